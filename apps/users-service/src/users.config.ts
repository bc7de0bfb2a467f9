import { env } from '@triad/platform';
import { z } from 'zod';

const clientSecret = () =>
  z.string().min(32, { error: 'at least 32 characters (make one with `openssl rand -base64 32`), or leave it unset' }).optional();

/** What users-service reads from the environment beside the service shell's settings. */
export const usersSettings = {
  AUTH_SIGNING_KEYS_FILE: env.optionalString(),
  JWT_TTL_SECONDS: z.coerce
    .number({ error: 'a number of seconds' })
    .int()
    .min(60, { error: 'at least 60 seconds' })
    .max(86_400, { error: 'at most 86400 seconds (a day)' })
    .default(3600),
  // The client secret of each service that proves who it is with the client-credentials grant.
  ORDERS_SERVICE_CLIENT_SECRET: clientSecret(),
  REST_API_CLIENT_SECRET: clientSecret(),
  GRAPHQL_GATEWAY_CLIENT_SECRET: clientSecret(),
  SIGN_IN_FAILURES_PER_ACCOUNT: env.count(5),
  SIGN_IN_FAILURES_PER_CLIENT: env.count(20),
  SIGN_UPS_PER_CLIENT: env.count(20),
};

/**
 * Every service that must prove who it is needs its secret here too, or it cannot do its job: production
 * refuses to start without them.
 */
export const usersSettingsRequiredInProduction = [
  'ORDERS_SERVICE_CLIENT_SECRET',
  'REST_API_CLIENT_SECRET',
  'GRAPHQL_GATEWAY_CLIENT_SECRET',
] as const;
