import {
  accessTokenConfig,
  defaultGrpcAddress,
  env,
  grpcClientConfig,
  loadConfig,
  requireInProduction,
  serviceCredentialsConfig,
  SYSTEM,
} from '@triad/platform';
import { z } from 'zod';
import { httpEdgeConfig } from './http/http-edge.config.js';

/** Everything rest-api reads from the environment, validated before anything starts. */
export function loadRestApiConfig(source: Record<string, string | undefined> = process.env) {
  const config = loadConfig(
    {
      ...accessTokenConfig,
      ...serviceCredentialsConfig,
      ...httpEdgeConfig,
      HOST: env.string('0.0.0.0'),
      REST_PORT: env.port(SYSTEM['rest-api'].http.port),
      USERS_SERVICE_ADDR: env.grpcAddress(defaultGrpcAddress('users-service')),
      CATALOG_SERVICE_ADDR: env.grpcAddress(defaultGrpcAddress('catalog-service')),
      ORDERS_SERVICE_ADDR: env.grpcAddress(defaultGrpcAddress('orders-service')),
      // rest-api owns one thing itself, API keys and their usage, in its own database like a service.
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string('.data/rest-api'),
      GRPC_DEADLINE_MS: env.duration(5000),
      ...grpcClientConfig,
      // The largest NDJSON file `POST /v1/products:import` reads: bulk files need more than REST_BODY_LIMIT_BYTES.
      REST_IMPORT_LIMIT_BYTES: httpEdgeConfig.REST_BODY_LIMIT_BYTES.unwrap().default(10 * 1024 * 1024),
      // How long an event stream stays silent before a comment tells proxies it is still alive (most close after 60 s).
      REST_SSE_HEARTBEAT_MS: env.duration(15_000),
      // Event streams one caller (a user, or an API key) may hold open at once, each holding a WatchOrder call and a
      // connection. Counted per instance. A user following a few orders across a few tabs needs a handful.
      REST_SSE_MAX_STREAMS_PER_CALLER: z.coerce
        .number({ error: 'a whole number of streams' })
        .int({ error: 'a whole number of streams' })
        .positive({ error: 'a positive number of streams' })
        .default(5),
      // How long `POST /v1/products:import` may keep its ImportProducts call to catalog-service open. The body arrives
      // within 30 s and a connection silent for 60 s is closed (libs/platform's HTTP_TIMEOUTS), so past 90 s no client
      // is waiting for the answer, and a stuck call is cancelled instead of holding catalog-service's work forever.
      REST_IMPORT_DEADLINE_MS: env.duration(90_000),
      LOG_LEVEL: env.logLevel(),
      // Wrong API keys one client address may send in 15 minutes before each try must wait (0: no limit).
      API_KEY_FAILURES_PER_CLIENT: env.count(10),
    },
    source,
  );
  return requireInProduction(config, ['SERVICE_CLIENT_SECRET']);
}

export type RestApiConfig = ReturnType<typeof loadRestApiConfig>;

/** Nest token of the loaded `RestApiConfig`, for the controllers that read a setting. */
export const REST_API_CONFIG = Symbol('REST_API_CONFIG');
