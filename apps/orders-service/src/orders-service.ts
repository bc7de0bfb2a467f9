import { TRIAD_ORDERS_V1_PACKAGE_NAME } from '@triad/contracts/orders/v1';
import { createLogger, GrpcServerControl, openDatabase, startService, type RunningService } from '@triad/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { MIGRATIONS_FOLDER } from './db/database.js';
import { schema } from './db/schema.js';
import type { OrdersConfig } from './orders.config.js';

/**
 * Starts orders-service: migrates its database, then serves gRPC and HTTP. Used by main.ts and by the
 * integration tests, so both run exactly the same process.
 */
export async function startOrdersService(
  config: OrdersConfig,
  logger: Logger = createLogger('orders-service', config.LOG_LEVEL),
): Promise<RunningService> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, schema, migrationsFolder: MIGRATIONS_FOLDER });
  logger.info({ database: database.location }, 'database ready, migrations applied');
  return startService({
    rootModule: AppModule.register({ config, database, logger }),
    logger,
    http: { host: config.HOST, port: config.ORDERS_HTTP_PORT, portVariable: 'ORDERS_HTTP_PORT' },
    grpc: {
      control: new GrpcServerControl([`${TRIAD_ORDERS_V1_PACKAGE_NAME}.OrdersService`]),
      packages: [TRIAD_ORDERS_V1_PACKAGE_NAME],
      host: config.HOST,
      port: config.ORDERS_GRPC_PORT,
      portVariable: 'ORDERS_GRPC_PORT',
    },
  });
}
