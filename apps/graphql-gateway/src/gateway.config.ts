import { accessTokenConfig, env, loadConfig } from '@triad/platform';

/** Everything graphql-gateway reads from the environment, validated before anything starts. */
export function loadGatewayConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(
    {
      ...accessTokenConfig,
      HOST: env.string('0.0.0.0'),
      GATEWAY_PORT: env.port(4000),
      USERS_SUBGRAPH_URL: env.url('http://localhost:4001/graphql'),
      CATALOG_SUBGRAPH_URL: env.url('http://localhost:4002/graphql'),
      ORDERS_SUBGRAPH_URL: env.url('http://localhost:4003/graphql'),
      // A subgraph that stops answering fails its part of a query after this long instead of holding it open.
      SUBGRAPH_TIMEOUT_MS: env.duration(10_000),
      // The IDE (and the introspection it needs) is a development tool: on unless NODE_ENV is production.
      GRAPHQL_IDE: env.boolean(source['NODE_ENV'] !== 'production'),
      LOG_LEVEL: env.logLevel(),
    },
    source,
  );
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/**
 * Where the gateway sends each subgraph's requests, by the subgraph's name in supergraph.yaml. The routing URLs
 * in the supergraph are only local defaults; a subgraph added to the YAML needs its setting here too.
 */
export function subgraphUrls(config: GatewayConfig): ReadonlyMap<string, { url: string; variable: string }> {
  return new Map([
    ['users', { url: config.USERS_SUBGRAPH_URL, variable: 'USERS_SUBGRAPH_URL' }],
    ['catalog', { url: config.CATALOG_SUBGRAPH_URL, variable: 'CATALOG_SUBGRAPH_URL' }],
    ['orders', { url: config.ORDERS_SUBGRAPH_URL, variable: 'ORDERS_SUBGRAPH_URL' }],
  ]);
}
