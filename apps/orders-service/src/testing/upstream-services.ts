import { Metadata } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import {
  CATALOG_SERVICE_NAME,
  TRIAD_CATALOG_V1_PACKAGE_NAME,
  type CatalogServiceClient,
  type Reservation,
  type ReservationLine,
} from '@triad/contracts/catalog/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions, SERVICE_TOKEN_METADATA_KEY } from '@triad/platform';
import {
  bearer,
  call,
  signInDemoAccounts,
  startFaultProxy,
  startServiceProcesses,
  type DemoAccount,
  type FaultProxy,
  type RunningServices,
  type SignedInAccount,
} from '@triad/testing';

/**
 * users-service and catalog-service as they run, each its own process on an in-memory database, and the
 * network between them and orders-service, which a spec can break: orders-service reaches each through a
 * `FaultProxy`, while the spec's own calls here go to the services directly, so it always sees their true state.
 */
export interface UpstreamServices {
  /** Where orders-service reaches each service. */
  toUsers: FaultProxy;
  toCatalog: FaultProxy;
  /** What orders-service needs to trust users-service's tokens and to get its own (`SERVICE_CLIENT_SECRET`). */
  ordersServiceEnv: Record<string, string>;
  /** The demo accounts, which users-service seeds, signed in. */
  accounts: Record<DemoAccount, SignedInAccount>;
  /** Adds a product to the catalog, as an admin; resolves with its id. */
  addProduct(name: string, amountMinor: number, stock: number): Promise<string>;
  /** The stock on hand of a product, as catalog-service has it now. */
  stockOf(productId: string): Promise<number>;
  /**
   * Reserves stock under `reservationId` as orders-service does, with its identity. Reserving is idempotent:
   * for a reservation that exists this reads it back and takes nothing more. Rejects with the gRPC error.
   */
  reserveStock(reservationId: string, lines: ReservationLine[]): Promise<Reservation | undefined>;
  /** Puts every proxy back to passing calls through, once its clients can reach the service again. */
  heal(): Promise<void>;
  close(): Promise<void>;
}

/** Starts users-service (with its demo accounts) and catalog-service (empty), from their builds. */
export async function startUpstreamServices(): Promise<UpstreamServices> {
  const processes = await startServiceProcesses(['users-service', 'catalog-service'], {
    serviceEnv: { 'users-service': { SEED_DEMO_DATA: 'true' }, 'catalog-service': { SEED_DEMO_DATA: 'false' } },
  });
  const opened: { close(): unknown }[] = [];
  try {
    const [toUsers, toCatalog] = await Promise.all([
      startFaultProxy(processes.addresses['users-service'].grpc),
      startFaultProxy(processes.addresses['catalog-service'].grpc),
    ]);
    opened.push(toUsers, toCatalog);
    const users = client<UsersServiceClient>(processes, 'users-service', TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, opened);
    const catalog = client<CatalogServiceClient>(processes, 'catalog-service', TRIAD_CATALOG_V1_PACKAGE_NAME, CATALOG_SERVICE_NAME, opened);
    const accounts = await signInDemoAccounts(users);
    let products = 0;
    const asAdmin = () => bearer(accounts.admin.token);
    const asOrdersService = async (): Promise<Metadata> => {
      const metadata = new Metadata();
      metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${await processes.serviceToken('orders-service', 'catalog-service')}`);
      return metadata;
    };
    return {
      toUsers,
      toCatalog,
      ordersServiceEnv: { ...processes.authEnv, SERVICE_CLIENT_SECRET: processes.clientSecrets['orders-service'] },
      accounts,
      addProduct: async (name, amountMinor, stock) => {
        const price = { amountMinor: String(amountMinor), currencyCode: 'USD' };
        const request = { sku: `TEST-${++products}`, name, description: '', price, stockOnHand: stock };
        return (await call(catalog.createProduct(request, asAdmin()))).product!.id;
      },
      stockOf: async (productId) => (await call(catalog.getProduct({ id: productId }))).product!.stockOnHand,
      reserveStock: async (reservationId, lines) =>
        (await call(catalog.reserveStock({ reservationId, lines }, await asOrdersService()))).reservation,
      heal: async () => {
        await Promise.all([toUsers.heal(), toCatalog.heal()]);
      },
      close: async () => {
        for (const each of opened.reverse()) await each.close();
        await processes.stop();
      },
    };
  } catch (error) {
    for (const each of opened.reverse()) await each.close();
    await processes.stop();
    throw error;
  }
}

function client<T extends object>(
  processes: RunningServices<'users-service' | 'catalog-service'>,
  name: 'users-service' | 'catalog-service',
  protoPackage: string,
  service: string,
  opened: { close(): unknown }[],
): T {
  const proxy = new ClientGrpcProxy(
    grpcClientOptions({ name, package: protoPackage, address: processes.addresses[name].grpc, deadlineMs: 10_000 }).options as never,
  );
  opened.push(proxy);
  return (proxy as ClientGrpc).getService<T>(service);
}
