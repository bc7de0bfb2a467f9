import { accessTokenConfig, env, loadConfig } from '@triad/platform';
import { httpEdgeConfig } from './http/http-edge.config.js';

/** Everything rest-api reads from the environment, validated before anything starts. */
export function loadRestApiConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(
    {
      ...accessTokenConfig,
      ...httpEdgeConfig,
      HOST: env.string('0.0.0.0'),
      REST_PORT: env.port(3000),
      USERS_SERVICE_ADDR: env.grpcAddress('localhost:50051'),
      CATALOG_SERVICE_ADDR: env.grpcAddress('localhost:50052'),
      ORDERS_SERVICE_ADDR: env.grpcAddress('localhost:50053'),
      // rest-api owns one thing itself, API keys and their usage, in its own database like a service.
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string('.data/rest-api'),
      GRPC_DEADLINE_MS: env.duration(5000),
      // The largest NDJSON file `POST /v1/products:import` reads: bulk files need more than REST_BODY_LIMIT_BYTES.
      REST_IMPORT_LIMIT_BYTES: httpEdgeConfig.REST_BODY_LIMIT_BYTES.unwrap().default(10 * 1024 * 1024),
      // How long an event stream stays silent before a comment tells proxies it is still alive (most close after 60 s).
      REST_SSE_HEARTBEAT_MS: env.duration(15_000),
      LOG_LEVEL: env.logLevel(),
    },
    source,
  );
}

export type RestApiConfig = ReturnType<typeof loadRestApiConfig>;

/** Nest token of the loaded `RestApiConfig`, for the controllers that read a setting. */
export const REST_API_CONFIG = Symbol('REST_API_CONFIG');
