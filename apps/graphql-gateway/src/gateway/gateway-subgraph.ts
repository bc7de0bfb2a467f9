import type { GraphQLDataSource } from '@apollo/gateway';

/** The name in supergraph.yaml of the gateway's own subgraph: schema.graphql, which the gateway serves itself. */
export const GATEWAY_SUBGRAPH = 'gateway';

/**
 * What Apollo Gateway is handed for that subgraph. It owns only Subscription fields, which the gateway runs
 * itself and refuses over HTTP, and points at Order only by an unresolvable key, so no query plan ever fetches
 * from it: reaching this would be a bug, reported as one.
 */
export const gatewaySubgraphSource: GraphQLDataSource = {
  process: () => Promise.reject(new Error(`a query plan fetched from the ${GATEWAY_SUBGRAPH} subgraph, which serves subscriptions only`)),
};
