import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import { loadPackageDefinition } from '@triad/contracts';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME } from '@triad/contracts/orders/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import { createLogger, type RunningService } from '@triad/platform';
import { serviceSettingNames, SYSTEM, type ServiceName } from '@triad/platform/system';
import { createTestDatabase, startFaultProxy, type FaultProxy } from '@triad/testing';
import { inject } from 'vitest';
import { REST_API_DATABASE, type RestApiDatabase } from '../db/database.js';
import type { ProductListResource, ProductResource } from '../products/products.dto.js';
import { loadRestApiConfig } from '../rest-api.config.js';
import { startRestApi } from '../rest-api.js';
import { launchTestServices, type Account, type TestServices } from './test-services.js';

/** The services rest-api calls. */
export type Upstream = 'users' | 'catalog' | 'orders';
const UPSTREAMS: Record<Upstream, { service: ServiceName; fullName: string }> = {
  users: { service: 'users-service', fullName: `${TRIAD_USERS_V1_PACKAGE_NAME}.${USERS_SERVICE_NAME}` },
  catalog: { service: 'catalog-service', fullName: `${TRIAD_CATALOG_V1_PACKAGE_NAME}.${CATALOG_SERVICE_NAME}` },
  orders: { service: 'orders-service', fullName: `${TRIAD_ORDERS_V1_PACKAGE_NAME}.${ORDERS_SERVICE_NAME}` },
};

/** Every service rest-api calls, for a spec that reaches all of them. */
export const ALL_SERVICES: readonly ServiceName[] = ['users-service', 'catalog-service', 'orders-service'];

/** What a spec answers to: an HTTP exchange with the API, reduced to what a client sees. */
export interface ApiResponse<Body> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface TestRestApi {
  /** Base URL of the running REST API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** rest-api's own database (API keys), to read what it stored. */
  database: RestApiDatabase;
  /** The services behind it, their demo accounts and what adds to them. */
  services: TestServices;
  /**
   * Where this instance reaches each service: a proxy of its own that a spec can break (down, no answer, lost
   * answer). A service the spec did not start is a proxy that is down, so a call to it answers 503.
   */
  upstream: Record<Upstream, FaultProxy>;
  /** Sends a request the way a client would; a `token` goes in `Authorization: Bearer`. */
  call<Body = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse<Body>>;
  /** A new API key of an account's, created as a client would, through `POST /v1/api-keys`. */
  apiKeyFor(account: Account, name?: string): Promise<{ id: string; secret: string }>;
  /** The product with `sku` as a client finds it, through `GET /v1/products?search=`; undefined when there is none. */
  productWithSku(sku: string): Promise<ProductResource | undefined>;
  /** Another rest-api with more `env`, on a database of its own, in front of the same services. */
  startAnother(env?: Record<string, string>): Promise<TestRestApi>;
  close(): Promise<void>;
}

export interface TestRestApiOptions {
  /** The services the spec reaches (see `startTestServices`); default all three, `[]` for the edge alone. */
  services?: readonly ServiceName[];
  /** More of rest-api's environment, such as a short `REST_SSE_HEARTBEAT_MS`. */
  env?: Record<string, string>;
}

/**
 * Starts the services a spec file needs, each a process of its own, then rest-api in this process exactly as
 * `main.ts` starts it, on a free port and a fresh database of its own. `close()` stops both.
 */
export async function startTestRestApi(options: TestRestApiOptions = {}): Promise<TestRestApi> {
  // rest-api's database is made, and the demo accounts sign in, while the other starts.
  const database = createTestDatabase(inject('postgresUrl'));
  database.catch(() => undefined);
  const { services, signedIn } = await launchTestServices(options.services ?? ALL_SERVICES);
  const [started, signIn] = await Promise.allSettled([startInstance(services, database, options.env), signedIn]);
  if (started.status === 'rejected' || signIn.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.close();
    await services.close();
    throw started.status === 'rejected' ? started.reason : (signIn as PromiseRejectedResult).reason;
  }
  const api = started.value;
  return {
    ...api,
    close: async () => {
      await api.close();
      await services.close();
    },
  };
}

/** Starts rest-api in front of `services`, which go on running after it closes. */
export function startRestApiOver(services: TestServices, env: Record<string, string> = {}): Promise<TestRestApi> {
  return startInstance(services, createTestDatabase(inject('postgresUrl')), env);
}

async function startInstance(
  services: TestServices,
  newDatabase: Promise<{ url: string | undefined; dataDir: string }>,
  env: Record<string, string> = {},
): Promise<TestRestApi> {
  const upstream = await proxiesTo(services);
  const closeProxies = () => Promise.all(Object.values(upstream).map((proxy) => proxy.close()));
  let api: RunningService;
  try {
    const database = await newDatabase;
    const config = loadRestApiConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      // Without users-service, tokens are checked against keys from nowhere: refused, never someone else's.
      AUTH_SERVER_URL: `http://${upstream.users.address}`,
      ...services.restApiEnv,
      HOST: '127.0.0.1',
      REST_PORT: '0',
      DATA_DIR: database.dataDir,
      ...(database.url ? { DATABASE_URL: database.url } : {}),
      ...Object.fromEntries(
        Object.entries(UPSTREAMS).map(([name, { service }]) => [serviceSettingNames(service).address, upstream[name as Upstream].address]),
      ),
      GRPC_DEADLINE_MS: '2000',
      ...env,
    });
    api = await startRestApi(config, createLogger('rest-api', config.LOG_LEVEL));
  } catch (error) {
    await closeProxies();
    throw error;
  }

  const call: TestRestApi['call'] = (method, path, options = {}) => send(api.httpUrl, method, path, options);
  return {
    url: api.httpUrl,
    database: api.app.get(REST_API_DATABASE),
    services,
    upstream,
    call,
    apiKeyFor: async (account, name = 'spec key') => {
      const created = await call<{ id: string; secret: string }>('POST', '/v1/api-keys', { token: account.token, body: { name } });
      if (created.status !== 201) throw new Error(`creating an API key answered ${created.status}: ${JSON.stringify(created.body)}`);
      return { id: created.body.id, secret: created.body.secret };
    },
    productWithSku: async (sku) => {
      const found = await call<ProductListResource>('GET', `/v1/products?search=${encodeURIComponent(sku)}&page_size=100`);
      if (found.status !== 200) throw new Error(`searching the catalog answered ${found.status}: ${JSON.stringify(found.body)}`);
      return found.body.products.find((product) => product.sku === sku);
    },
    startAnother: (more = {}) => startRestApiOver(services, { ...env, ...more }),
    close: async () => {
      await api.close();
      await closeProxies();
    },
  };
}

/** The name of every RPC of `upstream`'s services as the .proto spells it, for `FaultProxy.fail`. */
export function rpcNames(upstream: Upstream): string[] {
  const { package: protoPackage, services } = SYSTEM[UPSTREAMS[upstream].service].grpc;
  return services.flatMap((service: string) => Object.keys(loadPackageDefinition()[`${protoPackage}.${service}`] ?? {}));
}

/** A proxy in front of each service that was started, and one that is down for each that was not. */
async function proxiesTo(services: TestServices): Promise<Record<Upstream, FaultProxy>> {
  const entries = await Promise.all(
    (Object.keys(UPSTREAMS) as Upstream[]).map(async (name) => {
      const target = services.addresses[UPSTREAMS[name].service]?.grpc;
      // A proxy that is down never dials its target, so the one of a service that is not running is no matter.
      const proxy = await startFaultProxy(target ?? '127.0.0.1:9');
      if (target === undefined) proxy.down();
      return [name, proxy] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Upstream, FaultProxy>;
}

async function send<Body>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> },
): Promise<ApiResponse<Body>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, body: (isJson && text !== '' ? JSON.parse(text) : text) as Body };
}
