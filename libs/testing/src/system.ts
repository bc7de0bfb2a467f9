import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  edgeSettingNames,
  PROCESS_NAMES,
  SERVICE_GRANTS,
  serviceCalls,
  serviceSettingNames,
  subgraphProcesses,
  subgraphUrlSetting,
  SYSTEM,
  type EdgeName,
  type ProcessEntry,
  type ProcessName,
  type ServiceClientId,
  type ServiceName,
} from '@triad/platform/system';
import { freePorts } from './free-port.js';
import { DEFAULT_RESTART_POLICY, type RestartNotice, type RestartPolicy } from './restart-policy.js';
import { SystemProcess } from './system-process.js';

/**
 * Every port the system listens on, named from the registry (libs/platform's `SYSTEM`): `<scope>Grpc` and
 * `<scope>Http` for a service, `<scope>` for an edge. Defaults are the registry's, as in the README.
 */
export type SystemPorts = Record<ServicePortName | EdgePortName, number>;
type ServicePortName = `${(typeof SYSTEM)[ServiceName]['scope']}${'Grpc' | 'Http'}`;
type EdgePortName = (typeof SYSTEM)[EdgeName]['scope'];

/** The names, in SystemPorts, of a process's HTTP port and, for a service, its gRPC port. */
function portNames(name: ProcessName): { http: keyof SystemPorts; grpc?: keyof SystemPorts } {
  const { kind, scope } = SYSTEM[name];
  if (kind === 'edge') return { http: scope as EdgePortName };
  return { http: `${scope}Http` as ServicePortName, grpc: `${scope}Grpc` as ServicePortName };
}

export const DEFAULT_PORTS = Object.fromEntries(
  PROCESS_NAMES.flatMap((name) => {
    const names = portNames(name);
    const entry = SYSTEM[name] as ProcessEntry;
    return [[names.http, entry.http.port], ...(names.grpc && entry.grpc ? [[names.grpc, entry.grpc.port]] : [])];
  }),
) as SystemPorts;

/**
 * The system's ports as the environment sets them, by the variables each process reads (`GATEWAY_PORT`,
 * `CATALOG_GRPC_PORT`…), and the registry's defaults for the rest: how `npm start` lets each be moved.
 */
export function portsFromEnvironment(env: Record<string, string | undefined>): SystemPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const name of PROCESS_NAMES) {
    const names = portNames(name);
    const variables =
      SYSTEM[name].kind === 'service'
        ? { http: serviceSettingNames(name as ServiceName).httpPort, grpc: serviceSettingNames(name as ServiceName).grpcPort }
        : { http: edgeSettingNames(name as EdgeName).httpPort };
    for (const kind of ['http', 'grpc'] as const) {
      const key = names[kind];
      const value = kind === 'grpc' ? variables.grpc && env[variables.grpc] : env[variables.http];
      if (key && value) ports[key] = Number(value);
    }
  }
  return ports;
}

/** A free port for every process of the system, for a test that starts a whole system of its own. */
export async function freeSystemPorts(): Promise<SystemPorts> {
  const names = Object.keys(DEFAULT_PORTS) as (keyof SystemPorts)[];
  const ports = await freePorts(names.length);
  return Object.fromEntries(names.map((name, index) => [name, ports[index]])) as unknown as SystemPorts;
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
  /** The client secret of each service that proves who it is, made for this run (see `serviceToken`). */
  clientSecrets: Readonly<Record<ServiceClientId, string>>;
  /** users-service's HTTP address: its JWKS and token endpoint. */
  authServerUrl: string;
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

interface ProcessSpec {
  name: ProcessName;
  main: string;
  env: (ports: SystemPorts, dataDir: string, secrets: ClientSecrets) => Record<string, string>;
  readyUrl: (ports: SystemPorts) => string;
}

/** The OAuth client secret of each process that calls service-only RPCs (see users-service's authorization server). */
type ClientSecrets = Record<ServiceClientId, string>;

const workspaceRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** How a process is started, all from the registry: its ports, the addresses of what it calls, its secrets. */
function processSpec(name: ProcessName): ProcessSpec {
  const ports = portNames(name);
  return {
    name,
    main: `apps/${name}/dist/main.js`,
    env: (port, dataDir, secrets) => ({
      ...(SYSTEM[name].kind === 'service'
        ? {
            [serviceSettingNames(name as ServiceName).httpPort]: String(port[ports.http]),
            [serviceSettingNames(name as ServiceName).grpcPort]: String(port[ports.grpc as keyof SystemPorts]),
          }
        : { [edgeSettingNames(name as EdgeName).httpPort]: String(port[ports.http]) }),
      DATA_DIR: join(dataDir, name),
      ...Object.fromEntries(
        serviceCalls(name).map((target) => [
          serviceSettingNames(target).address,
          `127.0.0.1:${port[portNames(target).grpc as keyof SystemPorts]}`,
        ]),
      ),
      ...(name in secrets ? { SERVICE_CLIENT_SECRET: secrets[name as ServiceClientId] } : {}),
      // users-service's authorization server knows every client's secret.
      ...(name === 'users-service'
        ? Object.fromEntries(
            Object.entries(secrets).map(([client, secret]) => [`${client.toUpperCase().replaceAll('-', '_')}_CLIENT_SECRET`, secret]),
          )
        : {}),
      // The gateway finds every subgraph the registry lists.
      ...(name === 'graphql-gateway'
        ? Object.fromEntries(
            subgraphProcesses().map(({ process }) => [
              subgraphUrlSetting(process),
              `http://127.0.0.1:${port[portNames(process).http]}/graphql`,
            ]),
          )
        : {}),
    }),
    readyUrl: (port) => `http://127.0.0.1:${port[ports.http]}/readyz`,
  };
}

/**
 * The processes of the system in start order, in groups: each group starts once the one before it is ready, and
 * a process starts after everything it calls or, for the gateway, routes to.
 */
const PROCESS_GROUPS: ProcessSpec[][] = (() => {
  const dependencies = (name: ProcessName): ProcessName[] => [
    ...serviceCalls(name),
    ...(name === 'graphql-gateway' ? subgraphProcesses().map(({ process }) => process) : []),
  ];
  const level = (name: ProcessName): number => Math.max(-1, ...dependencies(name).map(level)) + 1;
  const groups: ProcessSpec[][] = [];
  for (const name of PROCESS_NAMES) (groups[level(name)] ??= []).push(processSpec(name));
  return groups;
})();

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
  const secrets = Object.fromEntries(Object.keys(SERVICE_GRANTS).map((client) => [client, secret()])) as ClientSecrets;
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
  const clientSecrets = secrets;
  const authServerUrl = `http://127.0.0.1:${ports.usersHttp}`;
  return { ports, urls: urlsOf(ports), recentOutput, clientSecrets, authServerUrl, unexpectedExit, stop };
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
