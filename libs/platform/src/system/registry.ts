/**
 * The system registry: which processes exist, on which ports they listen, which serve a subgraph and whom each
 * calls over gRPC. Everything else follows this one table: each process's config defaults, the `npm start`
 * launcher, the gateway's subgraph list, supergraph.yaml, docker-compose.yml and the ESLint scopes (the last
 * three are checked against it by `registry-drift.spec.ts`, so a change here that they miss fails the tests).
 *
 * Names of settings are derived, never written by hand: a service with scope `catalog` reads
 * `CATALOG_GRPC_PORT` and `CATALOG_HTTP_PORT`, is reached at `CATALOG_SERVICE_ADDR` and, as a subgraph, at
 * `CATALOG_SUBGRAPH_URL`; an edge with scope `rest` listens on `REST_PORT`.
 */
export const SYSTEM = {
  'users-service': {
    kind: 'service',
    scope: 'users',
    description: 'accounts, roles, sign-in; the authorization server that signs every token',
    grpc: { port: 50051, package: 'triad.users.v1', services: ['UsersService', 'SessionsService', 'OAuthClientsService'] },
    http: { port: 4001 },
    subgraph: 'users',
    database: true,
    sharedState: true,
    calls: [],
  },
  'catalog-service': {
    kind: 'service',
    scope: 'catalog',
    description: 'products, prices, stock and stock reservations',
    grpc: { port: 50052, package: 'triad.catalog.v1', services: ['CatalogService'] },
    http: { port: 4002 },
    subgraph: 'catalog',
    database: true,
    sharedState: true,
    calls: [],
  },
  'orders-service': {
    kind: 'service',
    scope: 'orders',
    description: 'order placement, the order lifecycle and its live status',
    grpc: { port: 50053, package: 'triad.orders.v1', services: ['OrdersService'] },
    http: { port: 4003 },
    subgraph: 'orders',
    database: true,
    sharedState: false,
    calls: ['users-service', 'catalog-service'],
  },
  'rest-api': {
    kind: 'edge',
    scope: 'rest',
    description: 'the public REST API; owns API keys and serves them as a subgraph',
    http: { port: 3000 },
    subgraph: 'rest',
    database: true,
    sharedState: true,
    calls: ['users-service', 'catalog-service', 'orders-service'],
  },
  'graphql-gateway': {
    kind: 'edge',
    scope: 'gateway',
    description: 'the federated GraphQL API, and the web app with its sessions (its backend-for-frontend)',
    http: { port: 4000 },
    // It serves the supergraph rather than a subgraph; its own schema (subscriptions) is composed as `gateway`.
    subgraph: null,
    database: false,
    sharedState: true,
    calls: ['users-service', 'orders-service'],
  },
} as const satisfies Record<string, ProcessEntry>;

/** One process of the system. */
export interface ProcessEntry {
  /** `service`: a backend service (gRPC, a subgraph, its own database); `edge`: a public entry point. */
  kind: 'service' | 'edge';
  /** Its Nx scope tag (`scope:<scope>`) and the prefix of its settings' names. */
  scope: string;
  description: string;
  /** The gRPC server it runs: port, versioned proto package and the services in it. */
  grpc?: { port: number; package: string; services: readonly string[] };
  /** Its HTTP server (subgraph, health, REST or the gateway). */
  http: { port: number };
  /** Its name in supergraph.yaml, when the gateway routes to it. */
  subgraph: string | null;
  /** Whether it owns a database (PostgreSQL, or embedded PGlite under `npm start`) that no other process reads. */
  database: boolean;
  /** Whether its replicas share state in Valkey (`VALKEY_URL`; in the process's memory without one). */
  sharedState: boolean;
  /** The services it calls over gRPC (by name: `serviceCalls` gives them typed). */
  calls: readonly string[];
}

export type ProcessName = keyof typeof SYSTEM;

/** The backend services: the processes with a gRPC server. */
export type ServiceName = { [Name in ProcessName]: (typeof SYSTEM)[Name] extends { kind: 'service' } ? Name : never }[ProcessName];

/** Every process, in the order the registry lists them (the order they start in: a process after those it calls). */
/** The public entry points: processes without a gRPC server. */
export type EdgeName = Exclude<ProcessName, ServiceName>;

export const PROCESS_NAMES = Object.keys(SYSTEM) as ProcessName[];

export const SERVICE_NAMES = PROCESS_NAMES.filter((name): name is ServiceName => SYSTEM[name].kind === 'service');

/** The settings through which a service is configured and found, derived from its scope. */
export function serviceSettingNames(name: ServiceName) {
  const prefix = SYSTEM[name].scope.toUpperCase();
  return {
    grpcPort: `${prefix}_GRPC_PORT`,
    httpPort: `${prefix}_HTTP_PORT`,
    address: `${prefix}_SERVICE_ADDR`,
    subgraphUrl: `${prefix}_SUBGRAPH_URL`,
  };
}

/** The settings of an edge: its one port and, when it serves a subgraph, the URL the gateway reaches it at. */
export function edgeSettingNames(name: EdgeName) {
  const prefix = SYSTEM[name].scope.toUpperCase();
  return { httpPort: `${prefix}_PORT`, subgraphUrl: `${prefix}_SUBGRAPH_URL` };
}

/** The setting that tells the gateway where a process's subgraph is. */
export function subgraphUrlSetting(name: ProcessName): string {
  return `${SYSTEM[name].scope.toUpperCase()}_SUBGRAPH_URL`;
}

/** A process's entry, typed as any process's: its optional parts (gRPC) stay optional, whichever process it is. */
export function processEntry(name: ProcessName): ProcessEntry {
  return SYSTEM[name];
}

/** The services `name` calls over gRPC. */
export function serviceCalls(name: ProcessName): readonly ServiceName[] {
  return SYSTEM[name].calls;
}

/** The default `host:port` of a service's gRPC server, on one machine. */
export function defaultGrpcAddress(name: ServiceName): string {
  return `localhost:${SYSTEM[name].grpc.port}`;
}

/** The default URL of a process's subgraph, on one machine. */
export function defaultSubgraphUrl(name: ProcessName): string {
  return `http://localhost:${SYSTEM[name].http.port}/graphql`;
}

/** The processes the gateway routes to, by subgraph name. */
export function subgraphProcesses(): { subgraph: string; process: ProcessName }[] {
  return PROCESS_NAMES.flatMap((process) => {
    const subgraph = SYSTEM[process].subgraph;
    return subgraph ? [{ subgraph, process }] : [];
  });
}
