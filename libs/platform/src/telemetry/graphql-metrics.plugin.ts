import type { ApolloServerPlugin } from '@apollo/server';
import { lazyHistogram, secondsSince } from './instruments.js';

/**
 * `graphql.server.request.duration`: one measurement per GraphQL operation, by type and name, with `error.type`
 * when it failed. The semantic conventions name GraphQL's span attributes but no metric yet; this follows their
 * attribute names and the shape of `http.server.request.duration`.
 */
const duration = lazyHistogram('graphql', 'graphql.server.request.duration', 'Duration of GraphQL operations, parse to response.');

/**
 * Operation names come from clients: a name is kept as a label only if it looks like one and is among the first
 * `MAX_NAMES` seen, so a client inventing names cannot make the metric grow without bound.
 */
const MAX_NAMES = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const knownNames = new Set<string>();

function operationNameLabel(name: string | null | undefined): string {
  if (!name) return '';
  if (knownNames.has(name)) return name;
  if (!OPERATION_NAME.test(name) || knownNames.size >= MAX_NAMES) return 'other';
  knownNames.add(name);
  return name;
}

export function graphqlMetricsPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operation, operationName, errors, response }) {
          // Incremental delivery and subscriptions over HTTP answer later; their first response marks the time.
          const failed =
            (errors?.length ?? 0) > 0 || (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          const firstError = errors?.[0]?.extensions?.['code'];
          duration().record(secondsSince(startedAt), {
            'graphql.operation.type': operation?.operation ?? 'unknown',
            'graphql.operation.name': operationNameLabel(operationName),
            ...(failed ? { 'error.type': typeof firstError === 'string' ? firstError : 'GRAPHQL_ERROR' } : {}),
          });
        },
      };
    },
  };
}
