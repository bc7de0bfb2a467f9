import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import { createLogger, GrpcServerControl, openDatabase, startService, type RunningService } from '@triad/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { CatalogConfig } from './catalog.config.js';
import { MIGRATIONS_FOLDER } from './db/database.js';
import { schema } from './db/schema.js';
import { seedDemoProducts } from './products/demo-products.seed.js';
import { ProductsRepository } from './products/products.repository.js';
import { ProductsService } from './products/products.service.js';

/**
 * Starts catalog-service: migrates its database, seeds demo products into an empty one, then serves gRPC and
 * HTTP. Used by main.ts and by the integration tests, so both run exactly the same process.
 */
export async function startCatalogService(
  config: CatalogConfig,
  logger: Logger = createLogger('catalog-service', config.LOG_LEVEL),
): Promise<RunningService> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, schema, migrationsFolder: MIGRATIONS_FOLDER });
  logger.info({ database: database.location }, 'database ready, migrations applied');
  return startService({
    rootModule: AppModule.register({ config, database, logger }),
    logger,
    http: { host: config.HOST, port: config.CATALOG_HTTP_PORT, portVariable: 'CATALOG_HTTP_PORT' },
    grpc: {
      control: new GrpcServerControl([`${TRIAD_CATALOG_V1_PACKAGE_NAME}.${CATALOG_SERVICE_NAME}`]),
      packages: [TRIAD_CATALOG_V1_PACKAGE_NAME],
      host: config.HOST,
      port: config.CATALOG_GRPC_PORT,
      portVariable: 'CATALOG_GRPC_PORT',
    },
    beforeListen: async (app) => {
      if (config.SEED_DEMO_DATA) await seedDemoProducts(app.get(ProductsRepository), app.get(ProductsService), logger);
    },
  });
}
