import { randomBytes, randomUUID } from 'node:crypto';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME, type CatalogServiceClient, type Product } from '@triad/contracts/catalog/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, UserRole, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions } from '@triad/platform';
import { serviceCalls, type ServiceName } from '@triad/platform/system';
import {
  bearer,
  call,
  createTestDatabase,
  signIn,
  signInDemoAccounts,
  startServiceProcesses,
  type DemoAccount,
  type ServiceAddresses,
  type SignedInAccount,
} from '@triad/testing';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { inject } from 'vitest';

/** An account of users-service, signed in. */
export type Account = SignedInAccount;

export interface NewProduct {
  sku: string;
  name: string;
  description?: string;
  /** In US cents. */
  amountMinor: number;
  stockOnHand: number;
}

/** The services a spec file runs, each a process of its own started from its build. */
export interface TestServices {
  /** Where each service that was started listens. */
  addresses: Partial<Record<ServiceName, ServiceAddresses>>;
  /** What rest-api needs to trust users-service's tokens and to get its own; empty without users-service. */
  restApiEnv: Record<string, string>;
  /** The demo accounts, signed in. Only with users-service. */
  accounts: Record<DemoAccount, Account>;
  /** A new account of its own, created by the admin (so no sign-up limit applies), and signed in. */
  signUp(name: string, role?: 'customer' | 'admin'): Promise<Account>;
  /** Adds a product to the catalog, as the admin. */
  addProduct(product: NewProduct): Promise<Product>;
  /**
   * Makes an admin a customer, the one change no API offers: an operator makes it in users-service's
   * database. Undefined when the services run on embedded PGlite, which no other process can reach.
   */
  demote: ((account: Account) => Promise<void>) | undefined;
  close(): Promise<void>;
}

/**
 * Starts `names` and what they need: users-service with any of them, since it signs every token the others
 * check, and whatever a service calls. Each runs on a PostgreSQL database of its own on the run's server, or
 * on in-memory PGlite when the run has none. users-service seeds the demo accounts, the catalog starts empty.
 * An empty `names` starts nothing, for the specs of what rest-api answers on its own.
 */
export async function startTestServices(names: readonly ServiceName[]): Promise<TestServices> {
  const { services, signedIn } = await launchTestServices(names);
  try {
    await signedIn;
  } catch (error) {
    await services.close();
    throw error;
  }
  return services;
}

/**
 * `startTestServices` in two steps, so that a caller can start more meanwhile: resolves once the processes are
 * ready, while the demo accounts are still signing in; `signedIn` settles when they have.
 */
export async function launchTestServices(names: readonly ServiceName[]): Promise<{ services: TestServices; signedIn: Promise<void> }> {
  const wanted = withDependencies(names);
  if (wanted.length === 0) return { services: noServices(), signedIn: Promise.resolve() };
  const databases = await serviceDatabases(wanted);
  const processes = await startServiceProcesses(wanted, {
    serviceEnv: {
      'users-service': { ...databases['users-service'], SEED_DEMO_DATA: 'true' },
      'catalog-service': { ...databases['catalog-service'], SEED_DEMO_DATA: 'false' },
      'orders-service': { ...databases['orders-service'] },
    },
  });
  const clients: ClientGrpcProxy[] = [];
  const close = async () => {
    for (const client of clients) client.close();
    await processes.stop();
  };
  try {
    const client = <T extends object>(name: ServiceName, protoPackage: string, service: string): T => {
      const address = processes.addresses[name].grpc;
      const proxy = new ClientGrpcProxy(grpcClientOptions({ name, package: protoPackage, address, deadlineMs: 10_000 }).options as never);
      clients.push(proxy);
      return (proxy as ClientGrpc).getService<T>(service);
    };
    const users = client<UsersServiceClient>('users-service', TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME);
    const catalog = wanted.includes('catalog-service')
      ? client<CatalogServiceClient>('catalog-service', TRIAD_CATALOG_V1_PACKAGE_NAME, CATALOG_SERVICE_NAME)
      : undefined;
    let accounts: Record<DemoAccount, Account> | undefined;
    const signedIn = signInDemoAccounts(users).then((signedInAccounts) => void (accounts = signedInAccounts));
    signedIn.catch(() => undefined);
    const signedInAccounts = () => {
      if (!accounts) throw new Error('the demo accounts are not signed in yet: await startTestServices');
      return accounts;
    };
    const asAdmin = () => bearer(signedInAccounts().admin.token);
    const usersDatabase = databases['users-service']?.DATABASE_URL;

    const services: TestServices = {
      addresses: processes.addresses,
      restApiEnv: { ...processes.authEnv, SERVICE_CLIENT_SECRET: processes.clientSecrets['rest-api'] },
      get accounts() {
        return signedInAccounts();
      },
      signUp: async (name, role = 'customer') => {
        const email = `${name.toLowerCase().replaceAll(/\W+/g, '-')}-${randomUUID()}@triad.dev`;
        const password = randomBytes(18).toString('base64url');
        const userRole = role === 'admin' ? UserRole.USER_ROLE_ADMIN : UserRole.USER_ROLE_CUSTOMER;
        await call(users.createUser({ email, name, password, role: userRole }, asAdmin()));
        return signIn(users, email, password);
      },
      addProduct: async ({ sku, name, description = '', amountMinor, stockOnHand }) => {
        if (!catalog) throw new Error('this spec started no catalog-service: list it in startTestServices');
        const price = { amountMinor: String(amountMinor), currencyCode: 'USD' };
        return (await call(catalog.createProduct({ sku, name, description, price, stockOnHand }, asAdmin()))).product!;
      },
      demote: usersDatabase === undefined ? undefined : (account) => setRole(usersDatabase, account.id, 'customer'),
      close,
    };
    return { services, signedIn };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `names`, users-service if any is named, and every service they call, in the order they were named. */
function withDependencies(names: readonly ServiceName[]): ServiceName[] {
  const wanted = new Set<ServiceName>(names.length > 0 ? ['users-service'] : []);
  const add = (name: ServiceName): void => {
    wanted.add(name);
    serviceCalls(name).forEach(add);
  };
  names.forEach(add);
  return [...wanted];
}

/** A `DATABASE_URL` of its own for each service when the run has a PostgreSQL server; none (PGlite) otherwise. */
async function serviceDatabases(names: ServiceName[]): Promise<Partial<Record<ServiceName, { DATABASE_URL: string }>>> {
  const server = inject('postgresUrl');
  if (!server) return {};
  const urls = await Promise.all(names.map(async (name) => [name, { DATABASE_URL: (await createTestDatabase(server)).url! }] as const));
  return Object.fromEntries(urls);
}

async function setRole(databaseUrl: string, userId: string, role: 'customer' | 'admin'): Promise<void> {
  const database = drizzle(databaseUrl);
  try {
    await database.execute(sql`update users set role = ${role} where id = ${userId}`);
  } finally {
    await database.$client.end();
  }
}

function noServices(): TestServices {
  const absent = (what: string) => () => {
    throw new Error(`this spec started no users-service, so it has no ${what}: list the services it needs`);
  };
  return {
    addresses: {},
    restApiEnv: {},
    get accounts(): Record<DemoAccount, Account> {
      return absent('accounts')();
    },
    signUp: absent('accounts'),
    addProduct: absent('catalog'),
    demote: undefined,
    close: async () => undefined,
  };
}
