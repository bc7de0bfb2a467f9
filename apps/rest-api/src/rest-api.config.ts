import { accessTokenConfig, env, loadConfig } from '@triad/platform';

/** Everything rest-api reads from the environment, validated before anything starts. */
export function loadRestApiConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(
    {
      ...accessTokenConfig,
      HOST: env.string('0.0.0.0'),
      REST_PORT: env.port(3000),
      USERS_SERVICE_ADDR: env.grpcAddress('localhost:50051'),
      CATALOG_SERVICE_ADDR: env.grpcAddress('localhost:50052'),
      ORDERS_SERVICE_ADDR: env.grpcAddress('localhost:50053'),
      GRPC_DEADLINE_MS: env.duration(5000),
      LOG_LEVEL: env.logLevel(),
    },
    source,
  );
}

export type RestApiConfig = ReturnType<typeof loadRestApiConfig>;
