import { env, trustedProxiesSetting, valkeyUrlSetting } from '@triad/platform';
import { z } from 'zod';

const ORIGINS_EXPECTED =
  'a comma-separated list of origins such as https://shop.example.com,http://localhost:5173 (scheme, host and port only)';

/** What rest-api's HTTP edge reads from the environment; `loadRestApiConfig` validates it with the rest. */
export const httpEdgeConfig = {
  // The browser apps on other origins that may call the API. None by default: letting a site read
  // responses with its visitors' tokens is a decision to make, not a default.
  CORS_ORIGINS: env.list().refine((origins) => origins.every(isOrigin), { error: ORIGINS_EXPECTED }),
  REST_BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'a number of bytes' })
    .int({ error: 'a whole number of bytes' })
    .positive({ error: 'a positive number of bytes' })
    .default(1024 * 1024),
  // The proxies in front of the edge (an Ingress controller, a load balancer), whose X-Forwarded-For names the
  // client that rate limits and sign-in throttles count by. None by default: the socket's peer is the client.
  TRUSTED_PROXIES: trustedProxiesSetting(),
  // Where the replicas of the edge count requests together; unset, each counts alone (right for one process).
  VALKEY_URL: valkeyUrlSetting(),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'a number of requests' })
    .int({ error: 'a whole number of requests' })
    .positive({ error: 'a positive number of requests' })
    .default(300),
};

/** True for an origin as browsers send it in `Origin`: `https://host[:port]`, lower case, nothing after. */
function isOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value;
}
