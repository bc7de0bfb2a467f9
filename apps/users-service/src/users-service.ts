import { TRIAD_USERS_V1_PACKAGE_NAME } from '@triad/contracts/users/v1';
import {
  AccessTokens,
  ClientAddresses,
  createLogger,
  GrpcServerControl,
  openDatabase,
  publicJwks,
  serviceAudience,
  startService,
  type RunningService,
} from '@triad/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { createAuthorizationServer, mountAuthorizationServer } from './auth/authorization-server.js';
import { loadSigningKeys } from './auth/signing-keys.loader.js';
import { MIGRATIONS_FOLDER } from './db/database.js';
import { schema } from './db/schema.js';
import type { UsersConfig } from './users.config.js';
import { seedDemoUsers } from './users/demo-users.seed.js';
import { UsersRepository } from './users/users.repository.js';
import { UsersService } from './users/users.service.js';

/**
 * Starts users-service: migrates its database, loads its signing keys, seeds demo accounts into an empty
 * database, then serves gRPC and HTTP (the subgraph, the authorization server under /oidc and the JWKS). Used by main.ts and by the integration tests, so both run exactly the same process.
 */
export async function startUsersService(
  config: UsersConfig,
  logger: Logger = createLogger('users-service', config.LOG_LEVEL),
): Promise<RunningService> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, schema, migrationsFolder: MIGRATIONS_FOLDER });
  logger.info({ database: database.location }, 'database ready, migrations applied');
  const keys = await loadSigningKeys(config, logger);
  const tokens = AccessTokens.withKeys(publicJwks(keys), config.AUTH_ISSUER);
  const clientAddresses = new ClientAddresses(tokens, serviceAudience('users-service'));
  const authorizationServer = createAuthorizationServer({
    issuer: config.AUTH_ISSUER,
    keys,
    clientSecrets: {
      'orders-service': config.ORDERS_SERVICE_CLIENT_SECRET,
      'rest-api': config.REST_API_CLIENT_SECRET,
      'graphql-gateway': config.GRAPHQL_GATEWAY_CLIENT_SECRET,
    },
    logger,
  });
  return startService({
    rootModule: await AppModule.register({ config, database, logger, keys, tokens, clientAddresses }),
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
      mountAuthorizationServer(app, authorizationServer, keys);
      if (config.SEED_DEMO_DATA) await seedDemoUsers(app.get(UsersRepository), app.get(UsersService), logger);
    },
  });
}
