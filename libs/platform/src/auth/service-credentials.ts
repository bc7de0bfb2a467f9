import { z } from 'zod';
import { env } from '../config/config.js';
import { DomainError } from '../errors/domain-error.js';
import { AUTH_PATHS } from './access-tokens.js';
import type { ServiceClientId } from './service-grants.js';
import { TokenCache, type CachedToken } from './token-cache.js';

/** The gRPC metadata key that carries the calling service's own token, beside the user's `authorization`. */
export const SERVICE_TOKEN_METADATA_KEY = 'x-triad-service-token';

/**
 * Configuration of a process that proves who it is to other services: its OAuth client secret at
 * users-service (required in production; see `requireInProduction`).
 */
export const serviceCredentialsConfig = {
  NODE_ENV: env.nodeEnv(),
  SERVICE_CLIENT_SECRET: env.optionalString(),
};

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

/** Renewed this long before it expires, so a token never runs out in the middle of a call. */
const RENEW_BEFORE_MS = 30_000;

/**
 * A service's own identity: short-lived access tokens from users-service's authorization server through the
 * OAuth 2.0 client-credentials grant (RFC 6749 §4.4), one per target service (RFC 8707 resource indicators),
 * cached until shortly before they expire and fetched once however many calls wait for one.
 */
export class ServiceCredentials {
  private readonly cache: TokenCache;

  constructor(
    private readonly settings: { clientId: ServiceClientId; clientSecret: string | undefined; authServerUrl: string },
    private readonly now: () => number = Date.now,
  ) {
    this.cache = new TokenCache(100, now);
  }

  /** A token for calls to `service` (its `serviceAudience`) carrying `scopes`. */
  tokenFor(audience: string, scopes: readonly string[]): Promise<string> {
    return this.cache.get(`${audience} ${scopes.join(' ')}`, () => this.fetchToken(audience, scopes));
  }

  private async fetchToken(audience: string, scopes: readonly string[]): Promise<CachedToken> {
    const { clientId, clientSecret, authServerUrl } = this.settings;
    if (!clientSecret) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'AUTH.NO_SERVICE_IDENTITY',
        `${clientId} has no SERVICE_CLIENT_SECRET, so it cannot call this service.`,
      );
    }
    const started = this.now();
    let response: Response;
    try {
      response = await fetch(new URL(AUTH_PATHS.token, authServerUrl), {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience, scope: scopes.join(' ') }),
        signal: AbortSignal.timeout(5_000),
      });
    } catch {
      throw new DomainError(
        'UNAVAILABLE',
        'AUTH.TOKEN_ENDPOINT_UNAVAILABLE',
        'users-service is unavailable to issue a service token; try again shortly.',
      );
    }
    if (!response.ok) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'AUTH.SERVICE_TOKEN_REFUSED',
        `users-service refused ${clientId} a service token (HTTP ${response.status}).`,
      );
    }
    const body = tokenResponse.parse(await response.json());
    return { token: body.access_token, renewAt: started + Math.max(body.expires_in * 1000 - RENEW_BEFORE_MS, 1_000) };
  }
}
