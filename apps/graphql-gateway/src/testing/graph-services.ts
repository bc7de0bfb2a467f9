import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME, type CatalogServiceClient } from '@triad/contracts/catalog/v1';
import { ORDERS_SERVICE_NAME, OrderStatus, TRIAD_ORDERS_V1_PACKAGE_NAME, type OrdersServiceClient } from '@triad/contracts/orders/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions, subgraphUrlSetting } from '@triad/platform';
import {
  bearer,
  call,
  signInDemoAccounts,
  startServiceProcesses,
  type DemoAccount,
  type RunningServices,
  type ServiceAddresses,
  type SignedInAccount,
} from '@triad/testing';

/** The services behind the gateway that specs start; the REST edge's API-keys subgraph is not among them (see gatewayEnv). */
export type GraphService = 'users-service' | 'catalog-service' | 'orders-service';

/** One line a service logged while serving a request: its `http request` line, or its `grpc call` line. */
export interface LoggedRequest {
  service: GraphService;
  msg: string;
  /** For an HTTP request: its path, e.g. `/graphql` for the subgraph. */
  path?: string;
  /** For an HTTP request its method; for a gRPC call the handler, e.g. `OrdersGrpcController.watchOrder`. */
  method?: string;
}

export interface GraphServices {
  /**
   * What points a gateway (`startTestGateway`) at these services: their subgraph URLs, orders-service's gRPC
   * address, users-service as the authority it trusts, and the gateway's own client secret. No gateway spec
   * queries API keys, so the REST edge is not started and its subgraph is left where nothing answers.
   */
  gatewayEnv: Record<string, string>;
  addresses: Partial<Record<GraphService, ServiceAddresses>>;
  /** The demo accounts users-service seeds, signed in. */
  accounts: Record<DemoAccount, SignedInAccount>;
  /** Adds a product with plenty of stock to the catalog, as an admin; resolves with its id. */
  addProduct(name: string): Promise<string>;
  /** Places an order as `buyer` does, over orders-service's PlaceOrder; resolves with its id. PENDING at first. */
  placeOrder(buyer: SignedInAccount, lines: { productId: string; quantity: number }[]): Promise<string>;
  /** Moves an order one step along, as an admin does over orders-service's UpdateOrderStatus. */
  moveOrder(orderId: string, status: 'CONFIRMED' | 'SHIPPED' | 'DELIVERED'): Promise<void>;
  /**
   * What the services logged serving the request with this id (`x-request-id`), oldest first, once each has
   * logged everything it served before now: what a service has not logged by then, it did not serve.
   */
  requestsServed(requestId: string): Promise<LoggedRequest[]>;
  stop(): Promise<void>;
}

/**
 * Starts users-service (which seeds the demo accounts, then signs them in) and `others`, each from its build as
 * its own process on an in-memory database, with an empty catalog. Build them first (the test target does).
 */
export async function startGraphServices(...others: Exclude<GraphService, 'users-service'>[]): Promise<GraphServices> {
  const logged: (LoggedRequest & { requestId: string })[] = [];
  const processes = await startServiceProcesses<GraphService>(['users-service', ...others], {
    serviceEnv: { 'catalog-service': { SEED_DEMO_DATA: 'false' } },
    output: (service, line) => {
      const entry = requestLine(line);
      if (entry) logged.push({ service: service as GraphService, ...entry });
    },
  });
  const opened = new Map<GraphService, ClientGrpcProxy>();
  try {
    const connect = <T extends object>(name: GraphService, protoPackage: string, service: string) =>
      client<T>(processes, name, protoPackage, service, opened);
    const users = connect<UsersServiceClient>('users-service', TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME);
    const catalog = () => connect<CatalogServiceClient>('catalog-service', TRIAD_CATALOG_V1_PACKAGE_NAME, CATALOG_SERVICE_NAME);
    const orders = () => connect<OrdersServiceClient>('orders-service', TRIAD_ORDERS_V1_PACKAGE_NAME, ORDERS_SERVICE_NAME);
    const accounts = await signInDemoAccounts(users);
    const asAdmin = () => bearer(accounts.admin.token);
    let products = 0;
    return {
      gatewayEnv: gatewayEnv(processes),
      addresses: processes.addresses,
      accounts,
      addProduct: async (name) => {
        const request = {
          sku: `SPEC-${++products}`,
          name,
          description: '',
          price: { amountMinor: '1999', currencyCode: 'USD' },
          stockOnHand: 10_000,
        };
        return (await call(catalog().createProduct(request, asAdmin()))).product!.id;
      },
      placeOrder: async (buyer, lines) => {
        const request = { idempotencyKey: randomUUID(), userId: buyer.id, lines };
        return (await call(orders().placeOrder(request, bearer(buyer.token)))).order!.id;
      },
      moveOrder: async (orderId, status) => {
        await call(orders().updateOrderStatus({ id: orderId, status: OrderStatus[`ORDER_STATUS_${status}`] }, asAdmin()));
      },
      requestsServed: async (requestId) => {
        await Promise.all(
          Object.entries(processes.addresses).map(([service, { http }]) => caughtUp(service as GraphService, http, logged)),
        );
        return logged.filter((entry) => entry.requestId === requestId).map(({ requestId: _id, ...entry }) => entry);
      },
      stop: async () => {
        for (const each of opened.values()) each.close();
        await processes.stop();
      },
    };
  } catch (error) {
    for (const each of opened.values()) each.close();
    await processes.stop();
    throw error;
  }
}

function gatewayEnv(processes: RunningServices<GraphService>): Record<string, string> {
  const started = Object.entries(processes.addresses) as [GraphService, ServiceAddresses][];
  return {
    ...processes.authEnv,
    SERVICE_CLIENT_SECRET: processes.clientSecrets['graphql-gateway'],
    ...Object.fromEntries(started.map(([name, { http }]) => [subgraphUrlSetting(name), `${http}/graphql`])),
    ...(processes.addresses['orders-service'] ? { ORDERS_SERVICE_ADDR: processes.addresses['orders-service'].grpc } : {}),
    ...(processes.addresses['users-service'] ? { USERS_SERVICE_ADDR: processes.addresses['users-service'].grpc } : {}),
  };
}

/** A gRPC client of a service started here, made once and closed by `stop()`. */
function client<T extends object>(
  processes: RunningServices<GraphService>,
  name: GraphService,
  protoPackage: string,
  service: string,
  opened: Map<GraphService, ClientGrpcProxy>,
): T {
  const made = opened.get(name);
  if (made) return (made as ClientGrpc).getService<T>(service);
  const address = processes.addresses[name]?.grpc;
  if (!address) throw new Error(`${name} is not started: name it in startGraphServices(…)`);
  const proxy = new ClientGrpcProxy(grpcClientOptions({ name, package: protoPackage, address, deadlineMs: 10_000 }).options as never);
  opened.set(name, proxy);
  return (proxy as ClientGrpc).getService<T>(service);
}

/**
 * Resolves once `service` has logged a request sent to it now: a service logs each request as it answers it,
 * in order, so by then it has logged every request it answered earlier.
 */
async function caughtUp(service: GraphService, httpUrl: string, logged: readonly { service: string; requestId: string }[]) {
  const marker = `caught-up-${randomUUID()}`;
  const response = await fetch(`${httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': marker },
    body: '{"query":"{ __typename }"}',
  });
  await response.arrayBuffer();
  const deadline = performance.now() + 5_000;
  while (!logged.some((entry) => entry.service === service && entry.requestId === marker)) {
    if (performance.now() > deadline) throw new Error(`${service} did not log a request it answered within 5 s`);
    await sleep(10);
  }
}

/** The request id and what was served, from a service's `http request` or `grpc call` log line. */
function requestLine(line: string): (Omit<LoggedRequest, 'service'> & { requestId: string }) | undefined {
  if (!line.includes('"requestId"')) return undefined;
  try {
    const { requestId, msg, path, method } = JSON.parse(line) as Record<string, unknown>;
    if (typeof requestId !== 'string' || (msg !== 'http request' && msg !== 'grpc call')) return undefined;
    return { requestId, msg, ...(typeof path === 'string' ? { path } : {}), ...(typeof method === 'string' ? { method } : {}) };
  } catch {
    return undefined;
  }
}
