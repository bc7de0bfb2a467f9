import { accessTokenConfig, env, loadConfig, requireInProduction, serviceCredentialsConfig } from '@triad/platform';

/** Everything orders-service reads from the environment, validated before anything starts. */
export function loadOrdersConfig(source: Record<string, string | undefined> = process.env) {
  const config = loadConfig(
    {
      ...accessTokenConfig,
      ...serviceCredentialsConfig,
      HOST: env.string('0.0.0.0'),
      ORDERS_GRPC_PORT: env.port(50053),
      ORDERS_HTTP_PORT: env.port(4003),
      USERS_SERVICE_ADDR: env.grpcAddress('localhost:50051'),
      CATALOG_SERVICE_ADDR: env.grpcAddress('localhost:50052'),
      GRPC_DEADLINE_MS: env.duration(5_000),
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string('.data/orders-service'),
      /** Advances orders through the lifecycle on its own, for the demo. */
      FULFILMENT_SIMULATOR: env.boolean(false),
      FULFILMENT_STEP_MS: env.duration(5_000),
      LOG_LEVEL: env.logLevel(),
    },
    source,
  );
  return requireInProduction(config, ['SERVICE_CLIENT_SECRET']);
}

export type OrdersConfig = ReturnType<typeof loadOrdersConfig>;
