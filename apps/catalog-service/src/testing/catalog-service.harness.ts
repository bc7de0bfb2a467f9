import { Metadata } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME, type CatalogServiceClient } from '@triad/contracts/catalog/v1';
import { createLogger, grpcClientOptions, SERVICE_TOKEN_METADATA_KEY, serviceAudience, SERVICE_SCOPES, uuidv7 } from '@triad/platform';
import { bearer, startTestAuthority, type TestAuthority } from '@triad/testing';
import type { Logger } from 'pino';
import { catalogService } from '../catalog-service.js';
import { CATALOG_DATABASE, type CatalogDatabase } from '../db/database.js';

export interface GraphQLResponse {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

/** A running catalog-service and what a spec needs to talk to it as its clients do. */
export interface TestCatalog {
  /** A real gRPC client of the service. */
  catalog: CatalogServiceClient;
  /** The service's own database, to check what was stored. */
  db: CatalogDatabase;
  /** Tokens signed as users-service signs them, and the gRPC metadata that carries them. */
  adminToken: string;
  customerToken: string;
  asAdmin: Metadata;
  asCustomer: Metadata;
  /** orders-service's identity, as the client-credentials grant gives it, for the service-only RPCs. */
  asOrdersService: Metadata;
  /** The stand-in authorization server whose tokens the service trusts, to make others (expired, other scopes). */
  authority: TestAuthority;
  /** Posts a GraphQL operation to the service's subgraph endpoint, as the gateway would. */
  graphql(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse>;
  httpUrl: string;
  close(): Promise<void>;
}

/**
 * Starts catalog-service exactly as main.ts does (demo products seeded) on the given database, on ports the
 * system chooses. The spec supplies the database from `@triad/testing`, which only specs may import.
 */
export async function startTestCatalog(setup: {
  database: { url: string | undefined; dataDir: string };
  /** More settings, such as VALKEY_URL. */
  environment?: Record<string, string>;
  /** Where the service logs, for a spec that reads the log; nowhere by default. */
  logger?: Logger;
}): Promise<TestCatalog> {
  const authority = await startTestAuthority();
  const config = catalogService.loadConfig({
    ...authority.env,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    CATALOG_GRPC_PORT: '0',
    CATALOG_HTTP_PORT: '0',
    DATA_DIR: setup.database.dataDir,
    ...(setup.database.url ? { DATABASE_URL: setup.database.url } : {}),
    ...setup.environment,
  });
  const service = await catalogService.start(config, setup.logger ?? createLogger('catalog-service', 'silent'));
  const client = new ClientGrpcProxy(
    grpcClientOptions({
      name: 'catalog',
      package: TRIAD_CATALOG_V1_PACKAGE_NAME,
      address: `127.0.0.1:${service.ports.grpc}`,
      deadlineMs: 20_000,
    }).options as never,
  );
  const adminToken = await authority.tokenFor({ userId: uuidv7(), role: 'admin' });
  const customerToken = await authority.tokenFor({ userId: uuidv7(), role: 'customer' });
  const asOrdersService = new Metadata();
  const ordersToken = await authority.serviceToken('orders-service', serviceAudience('catalog-service'), [SERVICE_SCOPES.catalogStock]);
  asOrdersService.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${ordersToken}`);
  return {
    catalog: (client as ClientGrpc).getService<CatalogServiceClient>(CATALOG_SERVICE_NAME),
    db: service.app.get(CATALOG_DATABASE),
    adminToken,
    customerToken,
    asAdmin: bearer(adminToken),
    asCustomer: bearer(customerToken),
    asOrdersService,
    authority,
    graphql: async (query, variables = {}, token) => {
      const response = await fetch(`${service.httpUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse;
    },
    httpUrl: service.httpUrl,
    close: async () => {
      client.close();
      await service.close();
      await authority.close();
    },
  };
}
