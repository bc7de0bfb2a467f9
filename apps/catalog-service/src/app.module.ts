import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import {
  AccessTokens,
  databaseProviders,
  graphQLContextFactory,
  GraphQLDomainErrorFilter,
  HealthHttpController,
  LOGGER,
  SERVICE_AUDIENCE,
  serviceAudience,
  subgraphOptions,
  type DatabaseHandle,
} from '@triad/platform';
import type { Logger } from 'pino';
import type { CatalogConfig } from './catalog.config.js';
import { CATALOG_DATABASE } from './db/database.js';
import type { schema } from './db/schema.js';
import { createProductsLoader } from './products/products.loader.js';
import { ProductsModule } from './products/products.module.js';
import type { CatalogGraphQLContext } from './products/products.resolver.js';
import { ProductsService } from './products/products.service.js';

export interface CatalogServiceDependencies {
  config: CatalogConfig;
  database: DatabaseHandle<typeof schema>;
  logger: Logger;
}

/** catalog-service: products and stock reservations over gRPC, the `Product` entity over GraphQL, health over HTTP. */
@Module({})
export class AppModule {
  static register({ config, database, logger }: CatalogServiceDependencies): DynamicModule {
    const tokens = new AccessTokens(config);
    return {
      module: AppModule,
      global: true,
      imports: [
        ProductsModule,
        GraphQLModule.forRootAsync<ApolloFederationDriverConfig>({
          driver: ApolloFederationDriver,
          imports: [ProductsModule],
          inject: [ProductsService],
          useFactory: (products: ProductsService) => {
            const baseContext = graphQLContextFactory(tokens);
            return subgraphOptions(logger, (request): CatalogGraphQLContext => ({
              ...baseContext(request),
              productsById: createProductsLoader(products),
            }));
          },
        }),
      ],
      controllers: [HealthHttpController],
      providers: [
        ...databaseProviders(CATALOG_DATABASE, database),
        { provide: AccessTokens, useValue: tokens },
        { provide: SERVICE_AUDIENCE, useValue: serviceAudience('catalog-service') },
        { provide: LOGGER, useValue: logger },
        { provide: APP_FILTER, useClass: GraphQLDomainErrorFilter },
      ],
      exports: [CATALOG_DATABASE, AccessTokens, SERVICE_AUDIENCE, LOGGER],
    };
  }
}
