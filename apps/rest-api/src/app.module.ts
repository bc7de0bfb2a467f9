import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME } from '@triad/contracts/orders/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import {
  AccessTokens,
  databaseProviders,
  graphQLContextFactory,
  HealthHttpController,
  LOGGER,
  READINESS_CHECK,
  SERVICE_GRANTS,
  serviceAudience,
  ServiceCredentials,
  subgraphOptions,
  type DatabaseHandle,
} from '@triad/platform';
import type { Logger } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CatalogClientModule } from './catalog/catalog-client.module.js';
import { REST_API_DATABASE } from './db/database.js';
import type { schema } from './db/schema.js';
import { GrpcHealthProbe } from './health/grpc-health.probe.js';
import { OrdersClientModule } from './orders/orders-client.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { ProblemDetailsFilter } from './problems/problem-details.filter.js';
import { requestValidationPipe } from './problems/request-validation.pipe.js';
import { ProductsModule } from './products/products.module.js';
import { REST_API_CONFIG, type RestApiConfig } from './rest-api.config.js';
import { UsersClientModule } from './users/users-client.module.js';
import { UsersModule } from './users/users.module.js';

export interface RestApiDependencies {
  config: RestApiConfig;
  database: DatabaseHandle<typeof schema>;
  logger: Logger;
}

/**
 * rest-api: the public `/v1` resources over the gRPC services, with problem+json errors and health over HTTP;
 * and the API keys it owns, in its own database, also served to the gateway as a subgraph.
 */
@Module({})
export class AppModule {
  static register({ config, database, logger }: RestApiDependencies): DynamicModule {
    const tokens = new AccessTokens(config);
    const deadlineMs = config.GRPC_DEADLINE_MS;
    // Ready when its database answers and every upstream says it is serving: each `/v1` resource needs its
    // service, and a half-ready API would answer some routes and fail others.
    const upstreamHealth = new GrpcHealthProbe(
      [
        { address: config.USERS_SERVICE_ADDR, service: `${TRIAD_USERS_V1_PACKAGE_NAME}.${USERS_SERVICE_NAME}` },
        { address: config.CATALOG_SERVICE_ADDR, service: `${TRIAD_CATALOG_V1_PACKAGE_NAME}.${CATALOG_SERVICE_NAME}` },
        { address: config.ORDERS_SERVICE_ADDR, service: `${TRIAD_ORDERS_V1_PACKAGE_NAME}.${ORDERS_SERVICE_NAME}` },
      ],
      deadlineMs,
    );
    const isReady = async () => {
      await Promise.all([database.ping(), upstreamHealth.check()]);
    };
    return {
      module: AppModule,
      global: true,
      imports: [
        UsersClientModule.register({
          address: config.USERS_SERVICE_ADDR,
          deadlineMs,
          // For API keys' owners: users-service issues their tokens only to rest-api (see DelegatedTokens).
          serviceIdentity: {
            credentials: new ServiceCredentials({
              clientId: 'rest-api',
              clientSecret: config.SERVICE_CLIENT_SECRET,
              authServerUrl: config.AUTH_SERVER_URL,
            }),
            audience: serviceAudience('users-service'),
            scopes: SERVICE_GRANTS['rest-api']['users-service'],
          },
        }),
        CatalogClientModule.register({ address: config.CATALOG_SERVICE_ADDR, deadlineMs }),
        OrdersClientModule.register({ address: config.ORDERS_SERVICE_ADDR, deadlineMs }),
        AuthModule,
        UsersModule,
        ProductsModule,
        OrdersModule,
        ApiKeysModule,
        GraphQLModule.forRoot<ApolloFederationDriverConfig>(subgraphOptions(logger, graphQLContextFactory(tokens))),
      ],
      controllers: [HealthHttpController],
      providers: [
        ...databaseProviders(REST_API_DATABASE, database),
        { provide: REST_API_CONFIG, useValue: config },
        { provide: AccessTokens, useValue: tokens },
        { provide: LOGGER, useValue: logger },
        { provide: GrpcHealthProbe, useValue: upstreamHealth },
        // Replaces the database-only check that databaseProviders adds above.
        { provide: READINESS_CHECK, useValue: isReady },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: requestValidationPipe() },
      ],
      exports: [REST_API_CONFIG, REST_API_DATABASE, AccessTokens, LOGGER],
    };
  }
}
