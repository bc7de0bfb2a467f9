import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_GRANTS, serviceCalls, serviceSettingNames, type ServiceClientId, type ServiceName } from '@triad/platform/system';
import { serviceToken } from './service-token.js';
import { SystemProcess } from './system-process.js';

/** Where a started service listens, as it said when it was ready. */
export interface ServiceAddresses {
  /** Its HTTP server: `http://127.0.0.1:PORT` (subgraph, health and, for users-service, JWKS and /oidc). */
  http: string;
  /** Its gRPC server: `127.0.0.1:PORT`. */
  grpc: string;
}

export interface ServiceProcessOptions {
  /** Extra environment for every process, e.g. `DATABASE_URL` for PostgreSQL instead of in-memory PGlite. */
  env?: Record<string, string>;
  /** Extra environment for one service, over `env`. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Receives every line the processes print, with the name of the one that printed it; default: discard. */
  output?: (process: string, line: string) => void;
}

export interface RunningServices<Name extends ServiceName> {
  addresses: Record<Name, ServiceAddresses>;
  /** What another process needs to trust the tokens of the users-service started here, and to ask it for its own. */
  authEnv: { AUTH_ISSUER: string; AUTH_SERVER_URL: string };
  /** The client secret of every service that proves who it is, made for this run; users-service knows them all. */
  clientSecrets: Readonly<Record<ServiceClientId, string>>;
  /** A token of `client`'s for calls to `service`, with the scopes it is granted there, as the client gets one. */
  serviceToken(client: ServiceClientId, service: ServiceName): Promise<string>;
  /** The last lines the processes printed, for a failing test's message. */
  recentOutput(): string;
  /** Stops every process with SIGTERM and resolves once all have ended. Calling it again returns the same promise. */
  stop(): Promise<void>;
}

/** Every token names its issuer; the processes started here and the code under test agree on this one. */
const ISSUER = 'http://users-service.test/oidc';
const READY_TIMEOUT_MS = 90_000;
const workspaceRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * Starts the named services from their builds (`apps/<name>/dist/main.js`; build them first) as child
 * processes, each on free ports and an in-memory PGlite database, and resolves once each has said it is
 * ready. They start at once, except that a service starts after those it calls, which it is given the
 * addresses of. For the tests of a service that calls these, without starting the whole system (`startSystem`).
 */
export async function startServiceProcesses<Name extends ServiceName>(
  names: readonly Name[],
  options: ServiceProcessOptions = {},
): Promise<RunningServices<Name>> {
  const recent: string[] = [];
  const print = (name: string, line: string) => {
    recent.push(`[${name}] ${line}`);
    if (recent.length > 200) recent.shift();
    options.output?.(name, line);
  };
  const recentOutput = () => recent.join('\n');
  const secrets = Object.fromEntries(
    Object.keys(SERVICE_GRANTS).map((client) => [client, randomBytes(32).toString('base64url')]),
  ) as Record<ServiceClientId, string>;
  const addresses: Partial<Record<ServiceName, ServiceAddresses>> = {};
  // The others check tokens with users-service's keys, so they are told where it is before it has chosen its
  // port: at a forwarder to it, which lets them all start at once.
  const usersHttp = Promise.withResolvers<string>();
  usersHttp.promise.catch(() => undefined);
  const toUsers = names.includes('users-service' as Name) ? await startForwarder(usersHttp.promise) : undefined;
  const authServer = toUsers?.url ?? options.env?.['AUTH_SERVER_URL'];
  const processes: SystemProcess[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(processes.map((each) => each.stop()));
      await toUsers?.close();
    })());

  const start = async (name: Name) => {
    // users-service checks its own tokens with the keys it holds.
    const auth = { AUTH_ISSUER: ISSUER, ...(name !== 'users-service' && authServer ? { AUTH_SERVER_URL: authServer } : {}) };
    const env = { ...processEnv(name, secrets, addresses), ...auth, ...options.env, ...options.serviceEnv?.[name] };
    const { child, ready } = launch(name, env, (line) => print(name, line));
    processes.push(child);
    const started = await ready.catch((error: unknown) => {
      throw new Error(`${(error as Error).message} (built? \`nx run ${name}:build\`):\n${recentOutput()}`, { cause: error });
    });
    addresses[name] = started;
    if (name === 'users-service') usersHttp.resolve(started.http);
  };
  try {
    for (const group of callOrder(names)) await Promise.all(group.map(start));
  } catch (error) {
    usersHttp.reject(error);
    await stop();
    throw error;
  }

  const authEnv = { AUTH_ISSUER: ISSUER, AUTH_SERVER_URL: addresses['users-service']?.http ?? authServer ?? '' };
  const tokenSource = { clientSecrets: secrets, authServerUrl: authEnv.AUTH_SERVER_URL };
  return {
    addresses: addresses as Record<Name, ServiceAddresses>,
    authEnv,
    clientSecrets: secrets,
    serviceToken: (client, service) => serviceToken(tokenSource, client, service),
    recentOutput,
    stop,
  };
}

/** Starts one service; `ready` resolves with the addresses in its ready line, or rejects if it exits or takes too long. */
function launch(name: ServiceName, env: NodeJS.ProcessEnv, print: (line: string) => void) {
  const ready = Promise.withResolvers<ServiceAddresses>();
  const timeout = setTimeout(() => ready.reject(new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
  timeout.unref();
  void ready.promise.finally(() => clearTimeout(timeout)).catch(() => undefined);
  const child = new SystemProcess({
    name,
    main: join(workspaceRoot, `apps/${name}/dist/main.js`),
    cwd: workspaceRoot,
    env,
    print: (line) => {
      print(line);
      const said = readyLine(name, line);
      if (said) ready.resolve(said);
    },
    onUnexpectedExit: (description) => ready.reject(new Error(description)),
  });
  return { child, ready: ready.promise };
}

/** A service's environment: free ports, a database in memory, its secrets, and where what it calls listens. */
function processEnv(
  name: ServiceName,
  secrets: Record<ServiceClientId, string>,
  addresses: Partial<Record<ServiceName, ServiceAddresses>>,
): NodeJS.ProcessEnv {
  const { DATABASE_URL: _notThisDatabase, ...inherited } = process.env;
  const settings = serviceSettingNames(name);
  return {
    ...inherited,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    [settings.grpcPort]: '0',
    [settings.httpPort]: '0',
    DATA_DIR: 'memory://',
    // The ready line, which says which ports it took, is logged at info.
    LOG_LEVEL: 'info',
    ...Object.fromEntries(
      serviceCalls(name).flatMap((target) => (addresses[target] ? [[serviceSettingNames(target).address, addresses[target].grpc]] : [])),
    ),
    ...(name in secrets ? { SERVICE_CLIENT_SECRET: secrets[name as ServiceClientId] } : {}),
    // users-service's authorization server knows every client's secret.
    ...(name === 'users-service'
      ? Object.fromEntries(
          Object.entries(secrets).map(([client, secret]) => [`${client.toUpperCase().replaceAll('-', '_')}_CLIENT_SECRET`, secret]),
        )
      : {}),
  };
}

/** `names` in groups: each group calls only services of the groups before it (or outside `names`). */
function callOrder<Name extends ServiceName>(names: readonly Name[]): Name[][] {
  const level = (name: ServiceName): number =>
    Math.max(
      -1,
      ...serviceCalls(name)
        .filter((target) => names.includes(target as Name))
        .map(level),
    ) + 1;
  const groups: Name[][] = [];
  for (const name of names) (groups[level(name)] ??= []).push(name);
  return groups.filter(Boolean);
}

/**
 * A port on 127.0.0.1 that forwards each connection to the HTTP server at `target`, once that is known;
 * connections that come earlier wait for it.
 */
async function startForwarder(target: Promise<string>): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    target.then(
      (url) => {
        const { hostname, port } = new URL(url);
        const upstream = connect(Number(port), hostname);
        upstream.on('error', () => socket.destroy());
        socket.once('close', () => upstream.destroy());
        socket.pipe(upstream).pipe(socket);
      },
      () => socket.destroy(),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The addresses in a service's `<name> is ready` line (see runMain), or undefined for any other line. */
function readyLine(name: string, line: string): ServiceAddresses | undefined {
  if (!line.includes(`"${name} is ready"`)) return undefined;
  try {
    const { msg, http, grpc } = JSON.parse(line) as { msg?: string; http?: string; grpc?: string };
    return msg === `${name} is ready` && http && grpc ? { http, grpc } : undefined;
  } catch {
    return undefined;
  }
}
