import fastifyCookie from '@fastify/cookie';
import { addTraceResponseHeader, connectValkey, createLogger, startService, trustProxies, type RunningService } from '@triad/platform';
import { AppModule } from './app.module.js';
import type { GatewayConfig } from './gateway.config.js';
import { GRAPHQL_PATH } from './gateway/gateway-options.js';
import { loadSupergraph } from './gateway/supergraph.loader.js';
import { GRAPHQL_IDE_PATH, registerAltair } from './graphql-ide/altair.js';
import { HttpErrorFilter } from './protection/http-error.filter.js';
import { GATEWAY_SECURITY_HEADERS } from './web/security-headers.js';
import { serveWebApp, WEB_APP_DIR } from './web/web-app.js';

/**
 * Starts the gateway on the checked-in supergraph; main.ts runs it, and specs start it the same way (with a web
 * app folder of their own, since the real one exists only after `nx run web:build`).
 */
export async function startGateway(
  config: GatewayConfig,
  logger = createLogger('graphql-gateway', config.LOG_LEVEL),
  webAppDir = WEB_APP_DIR,
): Promise<RunningService> {
  const supergraph = loadSupergraph();
  logger.info({ subgraphs: supergraph.subgraphNames }, 'supergraph read');
  const valkey = config.VALKEY_URL ? await connectValkey(config.VALKEY_URL, { name: 'graphql-gateway', logger }) : undefined;
  return startService({
    rootModule: AppModule.register({ config, supergraph, logger, valkey }),
    logger,
    http: {
      host: config.HOST,
      port: config.GATEWAY_PORT,
      portVariable: 'GATEWAY_PORT',
      bodyLimit: config.GRAPHQL_BODY_LIMIT_BYTES,
      trustProxy: trustProxies(config.TRUSTED_PROXIES),
    },
    beforeListen: async (app) => {
      // First, so that every answer carries the request's trace, the web app's pages and refusals too.
      addTraceResponseHeader(app.getHttpAdapter().getInstance());
      // Reads and sets the web app's session cookie (src/sessions).
      await app.register(fastifyCookie);
      app.useSecurityHeaders(GATEWAY_SECURITY_HEADERS);
      // Requests HTTP itself refuses are answered in GraphQL's error format: those Fastify has parsed by this
      // filter, those Node refused before by the platform adapter's default.
      app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter(), config.GRAPHQL_BODY_LIMIT_BYTES));
      if (config.GRAPHQL_IDE) {
        await registerAltair(app, GRAPHQL_PATH);
        logger.info({ path: GRAPHQL_IDE_PATH }, 'GraphQL IDE enabled (set GRAPHQL_IDE=false to turn it off)');
      }
      await serveWebApp(app, logger, webAppDir);
    },
  });
}
