import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import {
  AccessTokens,
  databaseProviders,
  graphQLContextFactory,
  GraphQLDomainErrorFilter,
  HealthHttpController,
  LOGGER,
  ServiceCredentials,
  subgraphOptions,
  type DatabaseHandle,
} from '@triad/platform';
import type { Logger } from 'pino';
import { ORDERS_DATABASE, ORDERS_DATABASE_HANDLE } from './db/database.js';
import type { schema } from './db/schema.js';
import type { OrdersConfig } from './orders.config.js';
import { createOrdersLoader } from './orders/orders.loader.js';
import { OrdersModule } from './orders/orders.module.js';
import type { OrdersGraphQLContext } from './orders/orders.resolver.js';
import { OrdersService } from './orders/orders.service.js';

export interface OrdersServiceDependencies {
  config: OrdersConfig;
  database: DatabaseHandle<typeof schema>;
  logger: Logger;
}

/** orders-service: placing and following orders over gRPC, the `Order` entity over GraphQL, health over HTTP. */
@Module({})
export class AppModule {
  static register({ config, database, logger }: OrdersServiceDependencies): DynamicModule {
    const tokens = new AccessTokens(config);
    const ordersModule = OrdersModule.register({
      upstream: {
        usersAddress: config.USERS_SERVICE_ADDR,
        catalogAddress: config.CATALOG_SERVICE_ADDR,
        deadlineMs: config.GRPC_DEADLINE_MS,
        credentials: new ServiceCredentials({
          clientId: 'orders-service',
          clientSecret: config.SERVICE_CLIENT_SECRET,
          authServerUrl: config.AUTH_SERVER_URL,
        }),
      },
      // Three calls, each bounded by the deadline, plus the database: a placement older than this has ended.
      recovery: { abandonedAfterMs: 4 * config.GRPC_DEADLINE_MS + 10_000, intervalMs: 15_000 },
      fulfilment: { enabled: config.FULFILMENT_SIMULATOR, stepMs: config.FULFILMENT_STEP_MS },
    });
    return {
      module: AppModule,
      global: true,
      imports: [
        ordersModule,
        GraphQLModule.forRootAsync<ApolloFederationDriverConfig>({
          driver: ApolloFederationDriver,
          imports: [ordersModule],
          inject: [OrdersService],
          useFactory: (orders: OrdersService) => {
            const baseContext = graphQLContextFactory(tokens);
            return subgraphOptions(logger, (request): OrdersGraphQLContext => {
              const context = baseContext(request);
              return { ...context, ordersById: createOrdersLoader(orders, context) };
            });
          },
        }),
      ],
      controllers: [HealthHttpController],
      providers: [
        ...databaseProviders(ORDERS_DATABASE, database),
        { provide: ORDERS_DATABASE_HANDLE, useValue: database },
        { provide: AccessTokens, useValue: tokens },
        { provide: LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: GraphQLDomainErrorFilter },
      ],
      exports: [ORDERS_DATABASE, ORDERS_DATABASE_HANDLE, AccessTokens, LOGGER],
    };
  }
}
