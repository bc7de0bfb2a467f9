import type { INestMicroservice, Provider, Type } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME } from '@triad/contracts/orders/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import {
  AccessTokens,
  createLogger,
  GrpcServerControl,
  grpcServerOptions,
  LOGGER,
  SERVICE_AUDIENCE,
  SERVICE_GRANTS,
  serviceAudience,
  type RunningService,
} from '@triad/platform';
import { createTestDatabase, freePort, startTestAuthority, type TestAuthority } from '@triad/testing';
import { inject } from 'vitest';
import { REST_API_DATABASE, type RestApiDatabase } from '../db/database.js';
import { loadRestApiConfig } from '../rest-api.config.js';
import { startRestApi } from '../rest-api.js';
import { InMemoryCatalog, InMemoryCatalogGrpcController } from './in-memory-catalog.grpc-controller.js';
import { InMemoryOrders, InMemoryOrdersGrpcController } from './in-memory-orders.grpc-controller.js';
import { InMemoryUsers, InMemoryUsersGrpcController, TOKEN_SIGNER, type StoredUser } from './in-memory-users.grpc-controller.js';

const environment = { NODE_ENV: 'test', LOG_LEVEL: 'silent' };
const CLIENT_SECRET = 'rest-api-specs-client-secret-0123456789abcdef';

/** The services rest-api calls, each stood in for by an in-memory gRPC server. */
export type Upstream = 'users' | 'catalog' | 'orders';

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
  /** The stand-in services' data, to seed and inspect. */
  users: InMemoryUsers;
  catalog: InMemoryCatalog;
  orders: InMemoryOrders;
  /** Each stand-in service's gRPC health, to take it out of service. */
  health: Record<Upstream, GrpcServerControl>;
  /** Sends a request the way a client would; a `token` goes in `Authorization: Bearer`. */
  call<Body = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiResponse<Body>>;
  /** An access token for a stored user, signed as users-service signs them. */
  tokenFor(user: StoredUser): Promise<string>;
  /** The stand-in authorization server the API and the stand-ins trust, to make other tokens (expired, forged). */
  authority: TestAuthority;
  /** A new API key of a stored user's, created as a client would, through `POST /v1/api-keys`. */
  apiKeyFor(user: StoredUser, name?: string): Promise<{ id: string; secret: string }>;
  /** Stops a stand-in service, as if its process had died. */
  stopUpstream(upstream: Upstream): Promise<void>;
  close(): Promise<void>;
}

interface StandIn {
  address: string;
  health: GrpcServerControl;
  stop(): Promise<void>;
}

/**
 * Starts rest-api exactly as `main.ts` does, on a free HTTP port and a fresh database of its own, in front of
 * real gRPC servers on free ports that serve the users, catalog and orders contracts from memory. `settings`
 * sets more of rest-api's environment, such as a short `REST_SSE_HEARTBEAT_MS`.
 */
export async function startTestRestApi(settings: Record<string, string> = {}): Promise<TestRestApi> {
  const database = await createTestDatabase(inject('postgresUrl'));
  const authority = await harnessAuthority();
  const users = new InMemoryUsers();
  const catalog = new InMemoryCatalog();
  const orders = new InMemoryOrders();
  const standIns = await startStandIns(authority, {
    users: { package: TRIAD_USERS_V1_PACKAGE_NAME, service: USERS_SERVICE_NAME, controller: InMemoryUsersGrpcController, data: [users] },
    catalog: {
      package: TRIAD_CATALOG_V1_PACKAGE_NAME,
      service: CATALOG_SERVICE_NAME,
      controller: InMemoryCatalogGrpcController,
      data: [catalog],
    },
    orders: {
      package: TRIAD_ORDERS_V1_PACKAGE_NAME,
      service: ORDERS_SERVICE_NAME,
      controller: InMemoryOrdersGrpcController,
      data: [orders, catalog],
    },
  });
  const stopStandIns = () => Promise.all(Object.values(standIns).map((standIn) => standIn.stop())).then(() => undefined);

  const config = loadRestApiConfig({
    ...environment,
    ...authority.env,
    SERVICE_CLIENT_SECRET: CLIENT_SECRET,
    HOST: '127.0.0.1',
    REST_PORT: '0',
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    USERS_SERVICE_ADDR: standIns.users.address,
    CATALOG_SERVICE_ADDR: standIns.catalog.address,
    ORDERS_SERVICE_ADDR: standIns.orders.address,
    GRPC_DEADLINE_MS: '2000',
    ...settings,
  });
  let api: RunningService;
  try {
    api = await startRestApi(config, createLogger('rest-api', config.LOG_LEVEL));
  } catch (error) {
    await stopStandIns();
    throw error;
  }

  const tokenFor = (user: StoredUser) => authority.tokenFor({ userId: user.id, role: user.role });
  return {
    url: api.httpUrl,
    database: api.app.get(REST_API_DATABASE),
    users,
    catalog,
    orders,
    health: { users: standIns.users.health, catalog: standIns.catalog.health, orders: standIns.orders.health },
    call: (method, path, options = {}) => send(api.httpUrl, method, path, options),
    tokenFor,
    authority,
    apiKeyFor: async (user, name = 'spec key') => {
      const created = await send<{ id: string; secret: string }>(api.httpUrl, 'POST', '/v1/api-keys', {
        token: await tokenFor(user),
        body: { name },
      });
      if (created.status !== 201) throw new Error(`creating an API key answered ${created.status}: ${JSON.stringify(created.body)}`);
      return { id: created.body.id, secret: created.body.secret };
    },
    stopUpstream: (upstream) => standIns[upstream].stop(),
    close: async () => {
      await api.close();
      await stopStandIns();
    },
  };
}

let authority: Promise<TestAuthority> | undefined;

/**
 * The authorization server every rest-api of a test file trusts, so a token made for one is good at another
 * (as one users-service's tokens are at every replica). It knows rest-api as a client; it is never closed.
 */
function harnessAuthority(): Promise<TestAuthority> {
  authority ??= startTestAuthority({
    'rest-api': { secret: CLIENT_SECRET, grants: { [serviceAudience('users-service')]: SERVICE_GRANTS['rest-api']['users-service'] } },
  });
  return authority;
}

interface StandInSpec {
  package: string;
  service: string;
  controller: Type;
  /** The in-memory stores its controller reads, provided by their classes. */
  data: object[];
}

/** Starts every stand-in, or none: one that fails to start stops those already running. */
async function startStandIns(authority: TestAuthority, specs: Record<Upstream, StandInSpec>): Promise<Record<Upstream, StandIn>> {
  const started: Partial<Record<Upstream, StandIn>> = {};
  try {
    for (const [name, spec] of Object.entries(specs) as [Upstream, StandInSpec][])
      started[name] = await startStandIn(name, spec, authority);
    return started as Record<Upstream, StandIn>;
  } catch (error) {
    await Promise.all(Object.values(started).map((standIn) => standIn.stop()));
    throw error;
  }
}

async function startStandIn(name: Upstream, spec: StandInSpec, authority: TestAuthority): Promise<StandIn> {
  const address = `127.0.0.1:${await freePort()}`;
  const health = new GrpcServerControl([`${spec.package}.${spec.service}`]);
  const providers: Provider[] = [
    ...spec.data.map((store) => ({ provide: store.constructor, useValue: store })),
    { provide: AccessTokens, useValue: authority.tokens },
    { provide: TOKEN_SIGNER, useValue: authority },
    { provide: SERVICE_AUDIENCE, useValue: serviceAudience(`${name}-service`) },
    { provide: LOGGER, useValue: createLogger(`${name}-service`, 'silent') },
  ];
  const moduleRef = await Test.createTestingModule({ controllers: [spec.controller], providers }).compile();
  const service: INestMicroservice = moduleRef.createNestMicroservice<MicroserviceOptions>({
    ...grpcServerOptions(health, [spec.package], address),
    logger: false,
  });
  await service.listen();
  health.setServing(true);
  let stopped: Promise<void> | undefined;
  return { address, health, stop: () => (stopped ??= service.close()) };
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
