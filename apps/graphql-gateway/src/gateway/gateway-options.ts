import { ApolloGatewayDriver, type ApolloGatewayDriverConfig } from '@nestjs/apollo';
import { AccessTokens, graphQLErrorFormatter, StartupError } from '@triad/platform';
import type { Logger } from 'pino';
import { subgraphUrls, type GatewayConfig } from '../gateway.config.js';
import { gatewayContextFactory } from './gateway-context.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import type { Supergraph } from './supergraph.loader.js';

/** Where clients send GraphQL operations. */
export const GRAPHQL_PATH = '/graphql';

/**
 * The gateway's GraphQL options: Apollo Gateway over the checked-in supergraph, each subgraph at the URL its
 * setting names, every request's token verified before planning, errors through the shared error table.
 */
export function gatewayOptions(config: GatewayConfig, supergraph: Supergraph, logger: Logger): ApolloGatewayDriverConfig {
  const urls = subgraphUrls(config);
  const missing = supergraph.subgraphNames.filter((name) => !urls.has(name));
  if (missing.length > 0) {
    const variables = missing.map((name) => `${name.toUpperCase().replace(/\W/g, '_')}_SUBGRAPH_URL`);
    throw new StartupError(
      `The supergraph routes to subgraphs with no URL setting (${missing.join(', ')}): add ${variables.join(', ')} to gateway.config.ts.`,
    );
  }
  const apolloLogger = logger.child({ component: 'apollo' });
  return {
    driver: ApolloGatewayDriver,
    server: {
      path: GRAPHQL_PATH,
      // Apollo's own landing page loads GraphiQL from a CDN; the offline Altair IDE replaces it.
      graphiql: false,
      introspection: config.GRAPHQL_IDE,
      context: gatewayContextFactory(new AccessTokens(config)),
      formatError: graphQLErrorFormatter(logger),
      logger: apolloLogger,
    },
    gateway: {
      supergraphSdl: supergraph.sdl,
      buildService: ({ name }) => {
        const subgraph = urls.get(name);
        if (!subgraph) throw new StartupError(`No URL setting for subgraph ${name}.`);
        return new SubgraphDataSource({ name, ...subgraph, timeoutMs: config.SUBGRAPH_TIMEOUT_MS, logger });
      },
      logger: apolloLogger,
    },
  };
}
