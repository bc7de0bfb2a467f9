import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every port the system listens on; defaults are the ones in ARCHITECTURE.md and docker-compose.yml. */
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

export interface SystemOptions {
  ports?: Partial<SystemPorts>;
  /** Parent folder of each service's PGlite data folder. */
  dataDir: string;
  /** Extra environment for every process (e.g. JWT_SECRET, LOG_LEVEL). */
  env?: Record<string, string>;
  /** Receives every line the processes print, prefixed with their name; default: discard. */
  output?: (process: string, line: string) => void;
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
  /** Resolves with a description when a process ends on its own, which a running system never should. */
  unexpectedExit: Promise<string>;
  /** Sends SIGTERM to every process and resolves with their exit codes once all have ended. */
  stop(): Promise<Record<string, number | null>>;
}

interface ProcessSpec {
  name: string;
  main: string;
  env: (ports: SystemPorts, dataDir: string) => Record<string, string>;
  readyUrl: (ports: SystemPorts) => string;
}

const workspaceRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The processes of the system, in start order: each group starts once the one before it is ready. */
const PROCESS_GROUPS: ProcessSpec[][] = [
  [
    {
      name: 'users-service',
      main: 'apps/users-service/dist/main.js',
      env: (ports, dataDir) => ({
        USERS_GRPC_PORT: String(ports.usersGrpc),
        USERS_HTTP_PORT: String(ports.usersHttp),
        DATA_DIR: join(dataDir, 'users-service'),
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
      env: (ports, dataDir) => ({
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
      env: (ports, dataDir) => ({
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
      env: (ports) => ({
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
  const children = new Map<string, ChildProcess>();
  const recent: string[] = [];
  const print = (name: string, line: string) => {
    recent.push(`[${name}] ${line}`);
    if (recent.length > 200) recent.shift();
    options.output?.(name, line);
  };
  let stopping = false;
  let reportExit: (description: string) => void = () => undefined;
  const unexpectedExit = new Promise<string>((resolveExit) => (reportExit = resolveExit));
  const stop = () => {
    stopping = true;
    return stopAll(children);
  };
  try {
    for (const group of PROCESS_GROUPS) {
      const started = group.map((spec) => {
        const env = { ...process.env, HOST: '127.0.0.1', ...options.env, ...spec.env(ports, options.dataDir) };
        const child = launch(spec, env, print);
        child.once('exit', (code, signal) => {
          if (!stopping) reportExit(`${spec.name} exited on its own (${code ?? signal})`);
        });
        children.set(spec.name, child);
        return { spec, child };
      });
      await Promise.all(started.map(({ spec, child }) => waitUntilReady(spec, ports, child, () => recent.join('\n'))));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    urls: {
      web: `http://localhost:${ports.gateway}/`,
      gateway: `http://localhost:${ports.gateway}/graphql`,
      ide: `http://localhost:${ports.gateway}/altair`,
      rest: `http://localhost:${ports.rest}/v1`,
      docs: `http://localhost:${ports.rest}/docs`,
      usersGrpc: `localhost:${ports.usersGrpc}`,
      catalogGrpc: `localhost:${ports.catalogGrpc}`,
      ordersGrpc: `localhost:${ports.ordersGrpc}`,
    },
    recentOutput: () => recent.join('\n'),
    unexpectedExit,
    stop,
  };
}

function launch(spec: ProcessSpec, env: NodeJS.ProcessEnv, print: (name: string, line: string) => void): ChildProcess {
  const child = spawn(process.execPath, [join(workspaceRoot, spec.main)], { cwd: workspaceRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line) print(spec.name, line);
    });
  }
  return child;
}

async function waitUntilReady(spec: ProcessSpec, ports: SystemPorts, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${spec.name} exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${output()}`);
    }
    const ready = await fetch(spec.readyUrl(ports)).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  throw new Error(`${spec.name} was not ready within 90 s:\n${output()}`);
}

async function stopAll(children: Map<string, ChildProcess>): Promise<Record<string, number | null>> {
  const exits = [...children].reverse().map(
    ([name, child]) =>
      new Promise<[string, number | null]>((resolveExit) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveExit([name, child.exitCode]);
        child.once('exit', (code) => resolveExit([name, code]));
        child.kill('SIGTERM');
      }),
  );
  return Object.fromEntries(await Promise.all(exits));
}
