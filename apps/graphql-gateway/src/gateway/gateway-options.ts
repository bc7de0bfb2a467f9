import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGatewayDriver, type ApolloGatewayDriverConfig } from '@nestjs/apollo';
import {
  graphqlMetricsPlugin,
  SERVICE_GRANTS,
  SERVICE_SCOPES,
  serviceAudience,
  StartupError,
  type ServiceCredentials,
  type AccessTokens,
  type Valkey,
} from '@triad/platform';
import type { Logger } from 'pino';
import { persistedQueryStore } from '../caching/persisted-queries.repository.js';
import { publicCachePlugin } from '../caching/public-cache.plugin.js';
import { operationLimits, subgraphUrls, type GatewayConfig } from '../gateway.config.js';
import { operationLimitsPlugin } from '../protection/operation-limits.plugin.js';
import { operationResolutionPlugin } from '../protection/operation-resolution.plugin.js';
import type { BrowserSessions } from '../sessions/browser-sessions.service.js';
import { subscriptionsOverHttpPlugin } from '../subscriptions/subscriptions-over-http.plugin.js';
import { gatewayContextFactory } from './gateway-context.js';
import { gatewayErrorFormatter } from './gateway-error-formatter.js';
import { GATEWAY_SUBGRAPH, gatewaySubgraphSource } from './gateway-subgraph.js';
import { SubgraphDataSource } from './subgraph-data-source.js';
import type { Supergraph } from './supergraph.loader.js';

/** Where clients send GraphQL operations, and open WebSockets for subscriptions. */
export const GRAPHQL_PATH = '/graphql';

export interface GatewayOptionsDependencies {
  config: GatewayConfig;
  supergraph: Supergraph;
  logger: Logger;
  tokens: AccessTokens;
  /** Where the replicas share persisted queries (VALKEY_URL), when they do. */
  valkey: Valkey | undefined;
  /** Told the schema once Apollo has loaded it. */
  schema: ApolloServerPlugin;
  /** The gateway's own identity at users-service. */
  credentials: ServiceCredentials;
  /** The web app's sessions, behind each request that carries the session cookie. */
  sessions: BrowserSessions;
}

/**
 * The gateway's GraphQL options: Apollo Gateway over the checked-in supergraph, each subgraph at the URL its
 * setting names, every request's token verified before planning, every operation resolved unambiguously
 * and held to the configured limits, automatic persisted queries (also over GET, cacheable when anonymous; shared
 * by the replicas through Valkey when there is one),
 * errors through the shared error table.
 */
export function gatewayOptions({
  config,
  supergraph,
  logger,
  tokens,
  valkey,
  schema,
  credentials,
  sessions,
}: GatewayOptionsDependencies): ApolloGatewayDriverConfig {
  const urls = subgraphUrls(config);
  const missing = supergraph.subgraphNames.filter((name) => name !== GATEWAY_SUBGRAPH && !urls.has(name));
  if (missing.length > 0) {
    const variables = missing.map((name) => `${name.toUpperCase().replace(/\W/g, '_')}_SUBGRAPH_URL`);
    throw new StartupError(
      `The supergraph routes to subgraphs with no URL setting (${missing.join(', ')}): add ${variables.join(', ')} to gateway.config.ts.`,
    );
  }
  const apolloLogger = logger.child({ component: 'apollo' });
  // With each subgraph call the gateway proves that the client address it forwards is its client's (sign-in
  // limits), with a token for that scope alone: the others SERVICE_GRANTS gives it serve its own gRPC calls.
  const identities = new Map(
    Object.entries(SERVICE_GRANTS['graphql-gateway'])
      .filter(([, scopes]) => (scopes as readonly string[]).includes(SERVICE_SCOPES.forwardClient))
      .map(([service]) => [
        service.replace(/-service$/, ''),
        { credentials, audience: serviceAudience(service), scopes: [SERVICE_SCOPES.forwardClient] },
      ]),
  );
  return {
    driver: ApolloGatewayDriver,
    server: {
      path: GRAPHQL_PATH,
      // Apollo's own landing page loads GraphiQL from a CDN; the offline Altair IDE replaces it.
      graphiql: false,
      introspection: config.GRAPHQL_INTROSPECTION,
      context: gatewayContextFactory(tokens, sessions),
      persistedQueries: { cache: persistedQueryStore(valkey, apolloLogger) },
      plugins: [
        graphqlMetricsPlugin(),
        schema,
        operationResolutionPlugin(),
        operationLimitsPlugin(operationLimits(config)),
        subscriptionsOverHttpPlugin(GRAPHQL_PATH),
        publicCachePlugin(config.GRAPHQL_CACHE_MAX_AGE_SECONDS),
        // Its policy comes from @cacheControl hints, which no subgraph gives: publicCachePlugin decides instead.
        ApolloServerPluginCacheControlDisabled(),
      ],
      formatError: gatewayErrorFormatter(logger),
      logger: apolloLogger,
    },
    gateway: {
      supergraphSdl: supergraph.sdl,
      buildService: ({ name }) => {
        if (name === GATEWAY_SUBGRAPH) return gatewaySubgraphSource;
        const subgraph = urls.get(name);
        if (!subgraph) throw new StartupError(`No URL setting for subgraph ${name}.`);
        const identity = identities.get(name);
        return new SubgraphDataSource({
          name,
          ...subgraph,
          timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
          logger,
          ...(identity ? { identity } : {}),
        });
      },
      logger: apolloLogger,
    },
  };
}
