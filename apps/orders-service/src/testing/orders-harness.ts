import type { Metadata } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME, type OrdersServiceClient } from '@triad/contracts/orders/v1';
import { createLogger, grpcClientOptions, type RunningService } from '@triad/platform';
import { bearer, createTestDatabase, type SignedInAccount } from '@triad/testing';
import { ORDERS_DATABASE, type OrdersDatabase } from '../db/database.js';
import { ordersService } from '../orders-service.js';
import { startUpstreamServices, type UpstreamServices } from './upstream-services.js';

/** One running orders-service and a real gRPC client of it. */
export interface OrdersInstance {
  orders: OrdersServiceClient;
  db: OrdersDatabase;
  service: RunningService;
  close(): Promise<void>;
}

export interface OrdersHarness extends OrdersInstance {
  /** users-service and catalog-service, and the network to them that a spec can break. */
  upstream: UpstreamServices;
  /** users-service's demo accounts, signed in. */
  accounts: UpstreamServices['accounts'];
  /** Metadata carrying `account`'s access token, as an edge would forward it. */
  as(account: SignedInAccount): Metadata;
  /**
   * Another orders-service, calling the same users-service and catalog-service: on the same database, or on
   * an empty one of its own with `freshDatabase` (embedded PGlite in memory is always its own).
   */
  startAnotherInstance(options?: { env?: Record<string, string>; freshDatabase?: boolean }): Promise<OrdersInstance>;
}

/**
 * How long orders-service waits for each call to users-service or catalog-service: short, since a spec that
 * holds a call back waits this long, yet far above what a call takes on a busy two-core machine.
 */
const GRPC_DEADLINE_MS = 2_000;

/**
 * orders-service as it runs, in this process on a test database, calling the real users-service and
 * catalog-service (each a process of its own) through proxies that a spec can make fail.
 */
export async function startOrdersHarness(postgresUrl: string | undefined): Promise<OrdersHarness> {
  const upstream = await startUpstreamServices();
  const instances: OrdersInstance[] = [];
  try {
    const database = await createTestDatabase(postgresUrl);
    const startInstance = async (options: { env?: Record<string, string>; freshDatabase?: boolean } = {}) => {
      const instance = await startOrdersService(
        upstream,
        options.freshDatabase ? await createTestDatabase(postgresUrl) : database,
        options.env,
      );
      instances.push(instance);
      return instance;
    };
    const first = await startInstance();
    return {
      ...first,
      upstream,
      accounts: upstream.accounts,
      as: (account) => bearer(account.token),
      startAnotherInstance: startInstance,
      close: async () => {
        for (const instance of instances.reverse()) await instance.close();
        await upstream.close();
      },
    };
  } catch (error) {
    for (const instance of instances) await instance.close();
    await upstream.close();
    throw error;
  }
}

async function startOrdersService(
  upstream: UpstreamServices,
  database: { url: string | undefined; dataDir: string },
  env: Record<string, string> = {},
): Promise<OrdersInstance> {
  const config = ordersService.loadConfig({
    NODE_ENV: 'test',
    ...upstream.ordersServiceEnv,
    HOST: '127.0.0.1',
    ORDERS_GRPC_PORT: '0',
    ORDERS_HTTP_PORT: '0',
    USERS_SERVICE_ADDR: upstream.toUsers.address,
    CATALOG_SERVICE_ADDR: upstream.toCatalog.address,
    GRPC_DEADLINE_MS: String(GRPC_DEADLINE_MS),
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const service = await ordersService.start(config, createLogger('orders-service', 'silent'));
  const client = new ClientGrpcProxy(
    grpcClientOptions({
      name: 'orders',
      package: TRIAD_ORDERS_V1_PACKAGE_NAME,
      address: `127.0.0.1:${service.ports.grpc}`,
      deadlineMs: 10_000,
    }).options as never,
  );
  let closed: Promise<void> | undefined;
  return {
    orders: (client as ClientGrpc).getService<OrdersServiceClient>(ORDERS_SERVICE_NAME),
    db: service.app.get(ORDERS_DATABASE),
    service,
    close: () =>
      (closed ??= (async () => {
        client.close();
        await service.close();
      })()),
  };
}
