import { accessTokenConfig, env, loadConfig } from '@triad/platform';

/** Everything users-service reads from the environment, validated before anything starts. */
export function loadUsersConfig(source: Record<string, string | undefined> = process.env) {
  return loadConfig(
    {
      ...accessTokenConfig,
      HOST: env.string('0.0.0.0'),
      USERS_GRPC_PORT: env.port(50051),
      USERS_HTTP_PORT: env.port(4001),
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string('.data/users-service'),
      SEED_DEMO_DATA: env.boolean(true),
      LOG_LEVEL: env.logLevel(),
    },
    source,
  );
}

export type UsersConfig = ReturnType<typeof loadUsersConfig>;
