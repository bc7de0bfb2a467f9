import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AltairFastify } from 'altair-fastify-plugin';
import type { FastifyInstance } from 'fastify';

/** Where the IDE is served; its scripts, styles and fonts are served under `${GRAPHQL_IDE_PATH}/`. */
export const GRAPHQL_IDE_PATH = '/altair';

/**
 * Serves the Altair GraphQL IDE, pointed at the gateway's GraphQL endpoint. Its assets come from the altair-static
 * package and are served by this process, so the IDE works with no internet access (Apollo's and Nest's
 * GraphiQL pages load from a CDN). Altair's cloud account features are turned off for the same reason.
 */
export async function registerAltair(app: NestFastifyApplication, graphqlPath: string): Promise<void> {
  // A child scope keeps the plugin's @fastify/static decorations to itself, so the web app can register its own.
  await app.register(async (scope: FastifyInstance) => {
    await scope.register(AltairFastify, {
      path: GRAPHQL_IDE_PATH,
      baseURL: `${GRAPHQL_IDE_PATH}/`,
      endpointURL: graphqlPath,
      initialName: 'Triad',
      disableAccount: true,
    });
    // The asset folder's own index.html is Altair without these settings: send `/altair/` to the real page.
    scope.get(`${GRAPHQL_IDE_PATH}/`, (_request, reply) => reply.redirect(GRAPHQL_IDE_PATH));
  });
}
