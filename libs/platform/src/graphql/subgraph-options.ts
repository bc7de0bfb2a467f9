import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloFederationDriver, type ApolloFederationDriverConfig } from '@nestjs/apollo';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { graphQLErrorFormatter } from '../errors/graphql-errors.js';
import { graphqlMetricsPlugin } from '../telemetry/graphql-metrics.plugin.js';

/**
 * GraphQL options shared by every subgraph: Federation 2 schema from the code-first types, errors through the
 * error table, no IDE (the gateway offers one). `context` builds each request's context.
 */
export function subgraphOptions(logger: Logger, context: (request: FastifyRequest) => object): ApolloFederationDriverConfig {
  return {
    driver: ApolloFederationDriver,
    path: '/graphql',
    autoSchemaFile: { federation: 2 },
    sortSchema: true,
    graphiql: false,
    introspection: true,
    context,
    formatError: graphQLErrorFormatter(logger),
    // Traces go to OpenTelemetry, not into every response (Apollo's inline traces).
    plugins: [ApolloServerPluginInlineTraceDisabled(), graphqlMetricsPlugin()],
  };
}
