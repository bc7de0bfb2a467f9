import { TRIAD_USERS_V1_PACKAGE_NAME } from '@triad/contracts/users/v1';
import { createLogger, GrpcServerControl, openDatabase, startService, type RunningService } from '@triad/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { MIGRATIONS_FOLDER } from './db/database.js';
import { schema } from './db/schema.js';
import type { UsersConfig } from './users.config.js';
import { seedDemoUsers } from './users/demo-users.seed.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

/**
 * Starts users-service: migrates its database, seeds demo accounts into an empty one, then serves gRPC and
 * HTTP. Used by main.ts and by the integration tests, so both run exactly the same process.
 */
export async function startUsersService(
  config: UsersConfig,
  logger: Logger = createLogger('users-service', config.LOG_LEVEL),
): Promise<RunningService> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, schema, migrationsFolder: MIGRATIONS_FOLDER });
  logger.info({ database: database.location }, 'database ready, migrations applied');
  return startService({
    rootModule: AppModule.register({ config, database, logger }),
    logger,
    http: { host: config.HOST, port: config.USERS_HTTP_PORT, portVariable: 'USERS_HTTP_PORT' },
    grpc: {
      control: new GrpcServerControl([`${TRIAD_USERS_V1_PACKAGE_NAME}.UsersService`]),
      packages: [TRIAD_USERS_V1_PACKAGE_NAME],
      host: config.HOST,
      port: config.USERS_GRPC_PORT,
      portVariable: 'USERS_GRPC_PORT',
    },
    beforeListen: async (app) => {
      if (config.SEED_DEMO_DATA) await seedDemoUsers(app.get(UsersRepository), app.get(UsersService), logger);
    },
  });
}
