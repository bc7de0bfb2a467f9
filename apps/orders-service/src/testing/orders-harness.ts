import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME, type OrdersServiceClient } from '@triad/contracts/orders/v1';
import { createLogger, grpcClientOptions, serviceAudience, SERVICE_GRANTS, type RunningService } from '@triad/platform';
import { createTestDatabase, freePort, startTestAuthority, type TestAuthority } from '@triad/testing';
import { ORDERS_DATABASE, type OrdersDatabase } from '../db/database.js';
import { ordersService } from '../orders-service.js';
import { FakeUpstream, startFakeUpstream } from './fake-upstream.js';

const CLIENT_SECRET = 'orders-service-test-client-secret-0123456789';

export interface OrdersHarness {
  fake: FakeUpstream;
  /** The stand-in authorization server that orders-service and the fake upstream trust. */
  authority: TestAuthority;
  orders: OrdersServiceClient;
  db: OrdersDatabase;
  service: RunningService;
  /** Metadata carrying a token for `userId`, as an edge would forward it. */
  as(userId: string, role?: 'customer' | 'admin'): Promise<Metadata>;
  /** Another instance of orders-service on the same database. */
  startAnotherInstance(): Promise<{ orders: OrdersServiceClient; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * orders-service as it runs, on a test database, calling stand-in users and catalog services over real gRPC
 * whose failures a spec switches on. `GRPC_DEADLINE_MS` is short so a hanging call fails fast.
 */
export async function startOrdersHarness(postgresUrl: string | undefined, env: Record<string, string> = {}): Promise<OrdersHarness> {
  const authority = await startTestAuthority({
    'orders-service': {
      secret: CLIENT_SECRET,
      grants: { [serviceAudience('catalog-service')]: SERVICE_GRANTS['orders-service']['catalog-service'] },
    },
  });
  const fake = new FakeUpstream(authority.tokens);
  const upstreamPort = await freePort();
  const upstream: INestMicroservice = await startFakeUpstream(fake, `127.0.0.1:${upstreamPort}`);
  const database = await createTestDatabase(postgresUrl);
  const clients: ClientGrpcProxy[] = [];

  const startInstance = async () => {
    const config = ordersService.loadConfig({
      NODE_ENV: 'test',
      ...authority.env,
      SERVICE_CLIENT_SECRET: CLIENT_SECRET,
      HOST: '127.0.0.1',
      ORDERS_GRPC_PORT: '0',
      ORDERS_HTTP_PORT: '0',
      USERS_SERVICE_ADDR: `127.0.0.1:${upstreamPort}`,
      CATALOG_SERVICE_ADDR: `127.0.0.1:${upstreamPort}`,
      GRPC_DEADLINE_MS: '500',
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
    clients.push(client);
    return { service, orders: (client as ClientGrpc).getService<OrdersServiceClient>(ORDERS_SERVICE_NAME) };
  };

  const first = await startInstance();
  return {
    fake,
    authority,
    orders: first.orders,
    db: first.service.app.get(ORDERS_DATABASE),
    service: first.service,
    as: async (userId, role = 'customer') => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${await authority.tokenFor({ userId, role })}`);
      return metadata;
    },
    startAnotherInstance: async () => {
      const other = await startInstance();
      return { orders: other.orders, close: () => other.service.close() };
    },
    close: async () => {
      for (const client of clients) client.close();
      await first.service.close();
      await upstream.close();
      await authority.close();
    },
  };
}
