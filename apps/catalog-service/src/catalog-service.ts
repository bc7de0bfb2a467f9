import { defineService } from '@triad/platform';
import { CATALOG_DATABASE, MIGRATIONS_FOLDER } from './db/database.js';
import { schema } from './db/schema.js';
import { seedDemoProducts } from './products/demo-products.seed.js';
import { PRODUCT_CACHE_STORE, ProductCache, productCacheStore } from './products/product-cache.service.js';
import { createProductsLoader } from './products/products.loader.js';
import { ProductsModule } from './products/products.module.js';
import type { CatalogGraphQLContext } from './products/products.resolver.js';
import { ProductsRepository } from './products/products.repository.js';
import { ProductsService } from './products/products.service.js';

/**
 * catalog-service: products and stock reservations over gRPC, the `Product` entity over GraphQL. The shell
 * (libs/platform's `defineService`) does the rest; main.ts and the integration tests start it the same way.
 */
export const catalogService = defineService({
  name: 'catalog-service',
  database: { schema, migrationsFolder: MIGRATIONS_FOLDER, token: CATALOG_DATABASE },
  parts: ({ logger, valkey }) => ({
    imports: [ProductsModule],
    // Shared by the replicas in Valkey (VALKEY_URL), else in this process's memory; read through by products,
    // told of changes by products and reservations.
    providers: [{ provide: PRODUCT_CACHE_STORE, useValue: productCacheStore(valkey) }, ProductCache],
    graphql: {
      inject: [ProductsService],
      extend:
        (products: ProductsService) =>
        (base): CatalogGraphQLContext => ({ ...base, productsById: createProductsLoader(products) }),
    },
    seed: (app) => seedDemoProducts(app.get(ProductsRepository), app.get(ProductsService), logger),
  }),
});
