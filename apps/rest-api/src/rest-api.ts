import { connectValkey, openDatabase, ServiceCredentials, startService, trustProxies, type RunningService } from '@triad/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { proxyAuthorizationServer } from './auth/authorization-server.proxy.js';
import { MIGRATIONS_FOLDER } from './db/database.js';
import { schema } from './db/schema.js';
import { setUpHttpEdge } from './http/http-edge.js';
import { serveOpenApi } from './openapi/openapi.document.js';
import type { RestApiConfig } from './rest-api.config.js';

/**
 * Starts the REST edge: migrates its own database (API keys), then serves HTTP; it has no gRPC server of its
 * own. `main.ts` and the specs both start it through here, so the specs exercise exactly what runs in production.
 */
export async function startRestApi(config: RestApiConfig, logger: Logger): Promise<RunningService> {
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, schema, migrationsFolder: MIGRATIONS_FOLDER });
  logger.info({ database: database.location }, 'database ready, migrations applied');
  // Shared by every replica of the edge: the rate limit's counts. Without it, each process counts on its own.
  const valkey = config.VALKEY_URL ? await connectValkey(config.VALKEY_URL, { name: 'rest-api', logger }) : undefined;
  const credentials = new ServiceCredentials({
    clientId: 'rest-api',
    clientSecret: config.SERVICE_CLIENT_SECRET,
    authServerUrl: config.AUTH_SERVER_URL,
  });
  return startService({
    rootModule: AppModule.register({ config, database, logger, valkey, credentials }),
    logger,
    http: {
      host: config.HOST,
      port: config.REST_PORT,
      portVariable: 'REST_PORT',
      bodyLimit: config.REST_BODY_LIMIT_BYTES,
      trustProxy: trustProxies(config.TRUSTED_PROXIES),
    },
    beforeListen: async (app) => {
      await setUpHttpEdge(app, config, valkey);
      await proxyAuthorizationServer(app, { upstream: config.AUTH_SERVER_URL, credentials });
      serveOpenApi(app);
    },
  });
}
