import { accessTokenConfig, env, loadConfig } from '@triad/platform';

/** Everything catalog-service reads from the environment, validated before anything starts. */
export function loadCatalogConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(
    {
      ...accessTokenConfig,
      HOST: env.string('0.0.0.0'),
      CATALOG_GRPC_PORT: env.port(50052),
      CATALOG_HTTP_PORT: env.port(4002),
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string('.data/catalog-service'),
      SEED_DEMO_DATA: env.boolean(true),
      LOG_LEVEL: env.logLevel(),
    },
    source,
  );
}

export type CatalogConfig = ReturnType<typeof loadCatalogConfig>;
