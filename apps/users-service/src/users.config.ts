import { accessTokenConfig, env, loadConfig, requireInProduction } from '@triad/platform';
import { z } from 'zod';

const clientSecret = () =>
  z.string().min(32, { error: 'at least 32 characters (make one with `openssl rand -base64 32`), or leave it unset' }).optional();

/** Everything users-service reads from the environment, validated before anything starts. */
export function loadUsersConfig(source: Record<string, string | undefined> = process.env) {
  const config = loadConfig(
    {
      ...accessTokenConfig,
      NODE_ENV: env.nodeEnv(),
      AUTH_SIGNING_KEYS_FILE: env.optionalString(),
      JWT_TTL_SECONDS: z.coerce
        .number({ error: 'a number of seconds' })
        .int()
        .min(60, { error: 'at least 60 seconds' })
        .max(86_400, { error: 'at most 86400 seconds (a day)' })
        .default(3600),
      ORDERS_SERVICE_CLIENT_SECRET: clientSecret(),
      REST_API_CLIENT_SECRET: clientSecret(),
      GRAPHQL_GATEWAY_CLIENT_SECRET: clientSecret(),
      HOST: env.string('0.0.0.0'),
      USERS_GRPC_PORT: env.port(50051),
      USERS_HTTP_PORT: env.port(4001),
      DATABASE_URL: env.optionalDatabaseUrl(),
      DATA_DIR: env.string('.data/users-service'),
      SEED_DEMO_DATA: env.boolean(true),
      LOG_LEVEL: env.logLevel(),
      SIGN_IN_FAILURES_PER_ACCOUNT: env.count(5),
      SIGN_IN_FAILURES_PER_CLIENT: env.count(20),
      SIGN_UPS_PER_CLIENT: env.count(20),
    },
    source,
  );
  // Every service that must prove who it is needs its secret here too, or it cannot do its job.
  return requireInProduction(config, ['ORDERS_SERVICE_CLIENT_SECRET', 'REST_API_CLIENT_SECRET', 'GRAPHQL_GATEWAY_CLIENT_SECRET']);
}

export type UsersConfig = ReturnType<typeof loadUsersConfig>;
