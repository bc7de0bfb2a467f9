import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_GRANTS, serviceAudience, ServiceCredentials, type ServiceClientId } from '@triad/platform';
import { freePort } from './free-port.js';
import { DEFAULT_RESTART_POLICY, type RestartNotice, type RestartPolicy } from './restart-policy.js';
import { SystemProcess } from './system-process.js';

/** Every port the system listens on; defaults are the ones in the README and docker-compose.yml. */
export interface SystemPorts {
  gateway: number;
  rest: number;
  usersGrpc: number;
  usersHttp: number;
  catalogGrpc: number;
  catalogHttp: number;
  ordersGrpc: number;
  ordersHttp: number;
}

export const DEFAULT_PORTS: SystemPorts = {
  gateway: 4000,
  rest: 3000,
  usersGrpc: 50051,
  usersHttp: 4001,
  catalogGrpc: 50052,
  catalogHttp: 4002,
  ordersGrpc: 50053,
  ordersHttp: 4003,
};

/** A free port for every process of the system, for a test that starts a whole system of its own. */
export async function freeSystemPorts(): Promise<SystemPorts> {
  const ports: Partial<SystemPorts> = {};
  for (const name of Object.keys(DEFAULT_PORTS) as (keyof SystemPorts)[]) ports[name] = await freePort();
  return ports as SystemPorts;
}

export interface SystemOptions {
  ports?: Partial<SystemPorts>;
  /** Parent folder of each service's PGlite data folder. */
  dataDir: string;
  /** Extra environment for every process (e.g. LOG_LEVEL, NODE_ENV). */
  env?: Record<string, string>;
  /**
   * Receives every line the processes print, prefixed with their name; default: discard. Every line is also
   * appended to the file `TRIAD_SYSTEM_LOG_FILE` names, when it is set, and the run's client secrets to that
   * file's name with `.secrets` added: the end-to-end suite reads both back to check that no secret reached a log.
   */
  output?: (process: string, line: string) => void;
  /**
   * Keeps the system up when a process exits on its own: restarts it with exponential backoff instead of
   * reporting the exit through `unexpectedExit`, and gives every process its own process group, so that a
   * terminal's Ctrl-C reaches only the caller, which stops them with `stop()`. `npm start` turns this on;
   * tests leave it off, to see a crash. `{}` uses `DEFAULT_RESTART_POLICY`.
   */
  supervise?: SupervisionOptions;
  /** Aborting it while `startSystem` waits stops every process started so far; `startSystem` then rejects. */
  signal?: AbortSignal;
}

/** The restart policy of a supervised system (any field left out is the default's) and whom to tell. */
export interface SupervisionOptions extends Partial<RestartPolicy> {
  /** Told when a process has exited on its own, before the system waits to restart it. */
  onRestart?: (notice: RestartNotice) => void;
}

export interface RunningSystem {
  ports: SystemPorts;
  urls: {
    web: string;
    gateway: string;
    ide: string;
    rest: string;
    docs: string;
    usersGrpc: string;
    catalogGrpc: string;
    ordersGrpc: string;
  };
  /** The last lines each process printed, for a failing test's message. */
  recentOutput(): string;
  /** The client secret of each service that proves who it is, made for this run. */
  clientSecrets: Readonly<Record<ServiceClientId, string>>;
  /** A token of `client`'s for calls to `service`, with the scopes it is granted there, as the client gets one. */
  serviceToken(client: ServiceClientId, service: string): Promise<string>;
  /**
   * Resolves with a description when a process ends on its own, which a running system never should.
   * Never resolves under `supervise`, which restarts the process instead.
   */
  unexpectedExit: Promise<string>;
  /**
   * Cancels pending restarts, sends SIGTERM to every running process and, once all have ended, resolves with
   * the exit code of each one it stopped (one that was already down is left out). Calling it again returns
   * the same promise.
   */
  stop(): Promise<Record<string, number | null>>;
}

/** The OAuth client secrets of the services that call service-only RPCs (see users-service's authorization server). */
interface ClientSecrets {
  ordersService: string;
  restApi: string;
  graphqlGateway: string;
}

interface ProcessSpec {
  name: string;
  main: string;
  env: (ports: SystemPorts, dataDir: string, secrets: ClientSecrets) => Record<string, string>;
  readyUrl: (ports: SystemPorts) => string;
}

const workspaceRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The processes of the system, in start order: each group starts once the one before it is ready. */
const PROCESS_GROUPS: ProcessSpec[][] = [
  [
    {
      name: 'users-service',
      main: 'apps/users-service/dist/main.js',
      env: (ports, dataDir, secrets) => ({
        USERS_GRPC_PORT: String(ports.usersGrpc),
        USERS_HTTP_PORT: String(ports.usersHttp),
        DATA_DIR: join(dataDir, 'users-service'),
        ORDERS_SERVICE_CLIENT_SECRET: secrets.ordersService,
        REST_API_CLIENT_SECRET: secrets.restApi,
        GRAPHQL_GATEWAY_CLIENT_SECRET: secrets.graphqlGateway,
      }),
      readyUrl: (ports) => `http://127.0.0.1:${ports.usersHttp}/readyz`,
    },
    {
      name: 'catalog-service',
      main: 'apps/catalog-service/dist/main.js',
      env: (ports, dataDir) => ({
        CATALOG_GRPC_PORT: String(ports.catalogGrpc),
        CATALOG_HTTP_PORT: String(ports.catalogHttp),
        DATA_DIR: join(dataDir, 'catalog-service'),
      }),
      readyUrl: (ports) => `http://127.0.0.1:${ports.catalogHttp}/readyz`,
    },
  ],
  [
    {
      name: 'orders-service',
      main: 'apps/orders-service/dist/main.js',
      env: (ports, dataDir, secrets) => ({
        SERVICE_CLIENT_SECRET: secrets.ordersService,
        ORDERS_GRPC_PORT: String(ports.ordersGrpc),
        ORDERS_HTTP_PORT: String(ports.ordersHttp),
        USERS_SERVICE_ADDR: `127.0.0.1:${ports.usersGrpc}`,
        CATALOG_SERVICE_ADDR: `127.0.0.1:${ports.catalogGrpc}`,
        DATA_DIR: join(dataDir, 'orders-service'),
      }),
      readyUrl: (ports) => `http://127.0.0.1:${ports.ordersHttp}/readyz`,
    },
  ],
  [
    {
      name: 'rest-api',
      main: 'apps/rest-api/dist/main.js',
      env: (ports, dataDir, secrets) => ({
        SERVICE_CLIENT_SECRET: secrets.restApi,
        REST_PORT: String(ports.rest),
        DATA_DIR: join(dataDir, 'rest-api'),
        USERS_SERVICE_ADDR: `127.0.0.1:${ports.usersGrpc}`,
        CATALOG_SERVICE_ADDR: `127.0.0.1:${ports.catalogGrpc}`,
        ORDERS_SERVICE_ADDR: `127.0.0.1:${ports.ordersGrpc}`,
      }),
      readyUrl: (ports) => `http://127.0.0.1:${ports.rest}/readyz`,
    },
    {
      name: 'graphql-gateway',
      main: 'apps/graphql-gateway/dist/main.js',
      env: (ports, _dataDir, secrets) => ({
        SERVICE_CLIENT_SECRET: secrets.graphqlGateway,
        GATEWAY_PORT: String(ports.gateway),
        USERS_SUBGRAPH_URL: `http://127.0.0.1:${ports.usersHttp}/graphql`,
        CATALOG_SUBGRAPH_URL: `http://127.0.0.1:${ports.catalogHttp}/graphql`,
        ORDERS_SUBGRAPH_URL: `http://127.0.0.1:${ports.ordersHttp}/graphql`,
        ORDERS_SERVICE_ADDR: `127.0.0.1:${ports.ordersGrpc}`,
        REST_SUBGRAPH_URL: `http://127.0.0.1:${ports.rest}/graphql`,
      }),
      readyUrl: (ports) => `http://127.0.0.1:${ports.gateway}/readyz`,
    },
  ],
];

/**
 * Starts the built system as separate Node processes on embedded PGlite, as `npm start` and the end-to-end
 * tests run it, and resolves once every process answers `/readyz`. Build first (`nx run-many -t build`).
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const recent: string[] = [];
  const recentOutput = () => recent.join('\n');
  const logFile = process.env['TRIAD_SYSTEM_LOG_FILE'];
  const print = (name: string, line: string) => {
    recent.push(`[${name}] ${line}`);
    if (recent.length > 200) recent.shift();
    options.output?.(name, line);
    if (logFile) appendFileSync(logFile, `[${name}] ${line}\n`);
  };
  const { promise: unexpectedExit, resolve: reportExit } = Promise.withResolvers<string>();
  const supervision = supervisionOf(options.supervise);
  const processes: SystemProcess[] = [];
  let stopped: Promise<Record<string, number | null>> | undefined;
  const stop = () => (stopped ??= stopAll(processes));
  // Made afresh for each run and known only to the processes of this run, so no secret lives in a file.
  const secret = () => randomBytes(32).toString('base64url');
  const secrets: ClientSecrets = { ordersService: secret(), restApi: secret(), graphqlGateway: secret() };
  // Beside the captured log, so the check for secrets in logs can look for these too.
  if (logFile) appendFileSync(`${logFile}.secrets`, `${Object.values(secrets).join('\n')}\n`);
  try {
    for (const group of PROCESS_GROUPS) {
      options.signal?.throwIfAborted();
      const started = group.map((spec) => {
        const env = {
          ...process.env,
          HOST: '127.0.0.1',
          // Where every process fetches users-service's public keys, and services get their own tokens.
          AUTH_SERVER_URL: `http://127.0.0.1:${ports.usersHttp}`,
          ...options.env,
          ...spec.env(ports, options.dataDir, secrets),
        };
        const launched = new SystemProcess({
          name: spec.name,
          main: join(workspaceRoot, spec.main),
          cwd: workspaceRoot,
          env,
          print: (line) => print(spec.name, line),
          supervision,
          onUnexpectedExit: reportExit,
        });
        processes.push(launched);
        return launched.waitUntilReady(spec.readyUrl(ports), options.signal, recentOutput);
      });
      await Promise.all(started);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const clientSecrets = { 'orders-service': secrets.ordersService, 'rest-api': secrets.restApi, 'graphql-gateway': secrets.graphqlGateway };
  const serviceToken = (client: ServiceClientId, service: string) =>
    new ServiceCredentials({
      clientId: client,
      clientSecret: clientSecrets[client],
      authServerUrl: `http://127.0.0.1:${ports.usersHttp}`,
    }).tokenFor(serviceAudience(service), (SERVICE_GRANTS[client] as Record<string, readonly string[]>)[service] ?? []);
  return { ports, urls: urlsOf(ports), recentOutput, clientSecrets, serviceToken, unexpectedExit, stop };
}

function supervisionOf(options: SupervisionOptions | undefined) {
  if (!options) return undefined;
  const { onRestart, ...policy } = options;
  return { policy: { ...DEFAULT_RESTART_POLICY, ...policy }, onRestart };
}

function urlsOf(ports: SystemPorts): RunningSystem['urls'] {
  return {
    web: `http://localhost:${ports.gateway}/`,
    gateway: `http://localhost:${ports.gateway}/graphql`,
    ide: `http://localhost:${ports.gateway}/altair`,
    rest: `http://localhost:${ports.rest}/v1`,
    docs: `http://localhost:${ports.rest}/docs`,
    usersGrpc: `localhost:${ports.usersGrpc}`,
    catalogGrpc: `localhost:${ports.catalogGrpc}`,
    ordersGrpc: `localhost:${ports.ordersGrpc}`,
  };
}

async function stopAll(processes: SystemProcess[]): Promise<Record<string, number | null>> {
  const exits = await Promise.all([...processes].reverse().map(async (each) => [each.name, await each.stop()] as const));
  return Object.fromEntries(exits.filter((exit): exit is readonly [string, number | null] => exit[1] !== undefined));
}
