import { startService, type RunningService } from '@triad/platform';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { setUpHttpEdge } from './http/http-edge.js';
import { serveOpenApi } from './openapi/openapi.document.js';
import type { RestApiConfig } from './rest-api.config.js';

/**
 * Starts the REST edge: HTTP only, no gRPC server of its own. `main.ts` and the specs both start it through
 * here, so the specs exercise exactly what runs in production.
 */
export function startRestApi(config: RestApiConfig, logger: Logger): Promise<RunningService> {
  return startService({
    rootModule: AppModule.register({ config, logger }),
    logger,
    http: { host: config.HOST, port: config.REST_PORT, portVariable: 'REST_PORT', bodyLimit: config.REST_BODY_LIMIT_BYTES },
    beforeListen: async (app) => {
      await setUpHttpEdge(app, config);
      serveOpenApi(app);
    },
  });
}
