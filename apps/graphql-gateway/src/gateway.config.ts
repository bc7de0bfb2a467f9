import {
  accessTokenConfig,
  ConfigError,
  defaultGrpcAddress,
  defaultSubgraphUrl,
  env,
  grpcClientConfig,
  loadConfig,
  requireInProduction,
  serviceCredentialsConfig,
  subgraphProcesses,
  subgraphUrlSetting,
  SYSTEM,
  trustedProxiesSetting,
  valkeyUrlSetting,
} from '@triad/platform';
import { z } from 'zod';
import type { OperationLimits } from './protection/operation-limits.js';

/** A positive whole number with a default, for the limits below. */
const limit = (fallback: number) =>
  z.coerce
    .number({ error: 'a whole number' })
    .int({ error: 'a whole number' })
    .positive({ error: 'a positive whole number' })
    .default(fallback);

/** One `<SCOPE>_SUBGRAPH_URL` setting per process the registry says serves a subgraph. */
const subgraphUrlSettings = Object.fromEntries(
  subgraphProcesses().map(({ process }) => [subgraphUrlSetting(process), env.url(defaultSubgraphUrl(process))]),
) as Record<`${Uppercase<string>}_SUBGRAPH_URL`, ReturnType<typeof env.url>>;

/** Everything graphql-gateway reads from the environment, validated before anything starts. */
export function loadGatewayConfig(source: Record<string, string | undefined> = process.env) {
  const development = source['NODE_ENV'] !== 'production';
  const config = loadConfig(
    {
      ...accessTokenConfig,
      // The gateway's own identity, with which it tells users-service which client a sign-in comes from.
      ...serviceCredentialsConfig,
      HOST: env.string('0.0.0.0'),
      GATEWAY_PORT: env.port(SYSTEM['graphql-gateway'].http.port),
      // Where each subgraph the registry lists is (`<SCOPE>_SUBGRAPH_URL`); rest-api serves one beside its REST routes.
      ...subgraphUrlSettings,
      // Subscriptions watch orders over gRPC (WatchOrder); queries reach orders-service through its subgraph.
      ORDERS_SERVICE_ADDR: env.grpcAddress(defaultGrpcAddress('orders-service')),
      // The web app's sessions live in users-service (SessionsService): sign-in, and each request's token.
      USERS_SERVICE_ADDR: env.grpcAddress(defaultGrpcAddress('users-service')),
      ...grpcClientConfig,
      // A subgraph that stops answering fails its part of a query after this long instead of holding it open.
      SUBGRAPH_TIMEOUT_MS: env.duration(10_000),
      // The IDE and introspection are development tools: on unless NODE_ENV is production. Left unset,
      // introspection follows GRAPHQL_IDE, since the IDE reads the schema by introspection.
      GRAPHQL_IDE: env.boolean(development),
      GRAPHQL_INTROSPECTION: env.boolean(development),
      // What one operation may ask for (src/protection/operation-limits.ts explains how each is counted).
      GRAPHQL_MAX_DEPTH: limit(10),
      GRAPHQL_MAX_COST: limit(5000),
      GRAPHQL_MAX_ALIASES: limit(15),
      // Subscriptions one WebSocket connection may have open at once, each holding a WatchOrder call: a client
      // cannot open thousands over one connection. A page watching a few orders needs a handful.
      GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION: limit(10),
      // WebSocket connections one client address may hold open at once, so the cap above cannot be multiplied
      // by opening connection after connection. A few browser tabs need a few.
      GRAPHQL_MAX_CONNECTIONS_PER_CLIENT: limit(20),
      // The proxies in front of the gateway (an Ingress controller), whose X-Forwarded-For names the client.
      TRUSTED_PROXIES: trustedProxiesSetting(),
      // Where the replicas keep the persisted queries they share (src/caching/persisted-query-store.ts).
      VALKEY_URL: valkeyUrlSetting(),
      // The largest request body, and the largest WebSocket message, the gateway reads.
      GRAPHQL_BODY_LIMIT_BYTES: limit(100 * 1024),
      // How long shared caches may keep an anonymous GET response (persisted queries make GETs short).
      GRAPHQL_CACHE_MAX_AGE_SECONDS: limit(60),
      LOG_LEVEL: env.logLevel(),
    },
    { GRAPHQL_INTROSPECTION: source['GRAPHQL_IDE'], ...source },
  );
  if (config.GRAPHQL_IDE && !config.GRAPHQL_INTROSPECTION) {
    throw new ConfigError(
      'Invalid configuration: GRAPHQL_IDE=true needs introspection, which GRAPHQL_INTROSPECTION turns off: set GRAPHQL_IDE=false, or leave GRAPHQL_INTROSPECTION unset.',
    );
  }
  return requireInProduction(config, ['SERVICE_CLIENT_SECRET']);
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>;

/** Nest token of the gateway's configuration. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

/** The limits every operation is held to, over HTTP and WebSocket alike. */
export function operationLimits(config: GatewayConfig): OperationLimits {
  return { maxDepth: config.GRAPHQL_MAX_DEPTH, maxCost: config.GRAPHQL_MAX_COST, maxAliases: config.GRAPHQL_MAX_ALIASES };
}

/**
 * Where the gateway sends each subgraph's requests, by the subgraph's name in supergraph.yaml (which the
 * registry's drift spec keeps in step with the registry). The routing URLs in the supergraph are only local
 * defaults.
 */
export function subgraphUrls(config: GatewayConfig): ReadonlyMap<string, { url: string; variable: string }> {
  const settings = config as unknown as Record<string, string>;
  return new Map(
    subgraphProcesses().map(({ subgraph, process }) => {
      const variable = subgraphUrlSetting(process);
      return [subgraph, { url: settings[variable] ?? defaultSubgraphUrl(process), variable }];
    }),
  );
}
