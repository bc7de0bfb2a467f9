import type { ApolloFederationDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import {
  AccessTokens,
  databaseProviders,
  graphQLContextFactory,
  HealthHttpController,
  GrpcClientModule,
  LOGGER,
  READINESS_CHECK,
  type ServiceCredentials,
  subgraphOptions,
  SYSTEM,
  valkeyProviders,
  type DatabaseHandle,
  type Valkey,
} from '@triad/platform';
import type { Logger } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuthModule } from './auth/auth.module.js';
import { REST_API_DATABASE } from './db/database.js';
import type { schema } from './db/schema.js';
import { GrpcHealthProbe } from './health/grpc-health.probe.js';
import { OAuthClientsModule } from './oauth-clients/oauth-clients.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { ProblemDetailsFilter } from './problems/problem-details.filter.js';
import { requestValidationPipe } from './problems/request-validation.pipe.js';
import { ProductsModule } from './products/products.module.js';
import { REST_API_CONFIG, type RestApiConfig } from './rest-api.config.js';
import { UsersModule } from './users/users.module.js';

export interface RestApiDependencies {
  config: RestApiConfig;
  database: DatabaseHandle<typeof schema>;
  logger: Logger;
  /** Where the replicas of the edge share state (VALKEY_URL), when they do. */
  valkey?: Valkey | undefined;
  /**
   * Its own identity: users-service issues API keys' owners their tokens only to rest-api (see
   * DelegatedTokens), and takes the client address it forwards only with it.
   */
  credentials: ServiceCredentials;
}

/**
 * rest-api: the public `/v1` resources over the gRPC services, with problem+json errors and health over HTTP;
 * and the API keys it owns, in its own database, also served to the gateway as a subgraph.
 */
@Module({})
export class AppModule {
  static register({ config, database, logger, valkey, credentials }: RestApiDependencies): DynamicModule {
    const tokens = new AccessTokens(config);
    const deadlineMs = config.GRPC_DEADLINE_MS;
    // Ready when its database answers and every upstream says it is serving: each `/v1` resource needs its
    // service, and a half-ready API would answer some routes and fail others.
    // The services the registry says rest-api calls, each where its config says it is.
    const upstreams = SYSTEM['rest-api'].calls;
    const addresses: Record<(typeof upstreams)[number], string> = {
      'users-service': config.USERS_SERVICE_ADDR,
      'catalog-service': config.CATALOG_SERVICE_ADDR,
      'orders-service': config.ORDERS_SERVICE_ADDR,
    };
    const upstreamHealth = new GrpcHealthProbe(
      upstreams.map((target) => ({
        address: addresses[target],
        service: `${SYSTEM[target].grpc.package}.${SYSTEM[target].grpc.services[0]}`,
      })),
      deadlineMs,
    );
    const isReady = async () => {
      await Promise.all([database.ping(), upstreamHealth.check()]);
    };
    return {
      module: AppModule,
      global: true,
      imports: [
        ...upstreams.map((target) =>
          GrpcClientModule.register(target, {
            caller: 'rest-api',
            address: addresses[target],
            deadlineMs,
            credentials,
            loadBalancing: config.GRPC_LB_POLICY,
          }),
        ),
        AuthModule,
        UsersModule,
        ProductsModule,
        OrdersModule,
        ApiKeysModule,
        OAuthClientsModule,
        GraphQLModule.forRoot<ApolloFederationDriverConfig>(subgraphOptions(logger, graphQLContextFactory(tokens))),
      ],
      controllers: [HealthHttpController],
      providers: [
        ...databaseProviders(REST_API_DATABASE, database),
        ...(valkey ? valkeyProviders(valkey) : []),
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
