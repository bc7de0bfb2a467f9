import {
  attemptThrottle,
  currentRequestContext,
  DomainError,
  runWithRequestContext,
  type AttemptThrottle,
  type Valkey,
} from '@triad/platform';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { ApiKeysErrors } from './api-keys.errors.js';
import type { ApiKeysService } from './api-keys.service.js';
import type { DelegatedTokens } from './delegated-tokens.service.js';

/** The header a client sends its API key in. */
export const API_KEY_HEADER = 'x-api-key';

export interface ApiKeyAuthenticationSettings {
  apiKeys: ApiKeysService;
  delegatedTokens: DelegatedTokens;
  /** The paths API keys open, with everything below: the REST resources. */
  pathPrefix: string;
  /** Wrong keys one client address may send in 15 minutes before it must wait; 0 turns the limit off. */
  maxFailures: number;
  /** Where every replica of the edge counts them (Valkey); without one, this process counts in its memory. */
  valkey?: Valkey | undefined;
}

/**
 * Authenticates every request under `pathPrefix` that carries `X-API-Key`, before routing: an unknown or
 * revoked key is answered 401, and a valid one counts a use and makes its owner the request's caller.
 *
 * The services know only access tokens, so the rest of the request runs with a token users-service issued for
 * the owner (see `DelegatedTokens`) as the request context's authorization, which platform's gRPC client
 * forwards on every call. The owner's role is the one stored with the key, or less (see `ApiKeysService`).
 *
 * A client that keeps sending wrong keys waits, longer each time (429 with Retry-After), whatever else it
 * sends: guessing a 256-bit key is hopeless anyway, but each guess costs a database lookup.
 */
export function addApiKeyAuthentication(fastify: FastifyInstance, settings: ApiKeyAuthenticationSettings): void {
  const failures = attemptThrottle(
    'rest-api:api-key-failures',
    { maxAttempts: settings.maxFailures, windowMs: 15 * 60_000, firstWaitMs: 30_000, maxWaitMs: 15 * 60_000 },
    { valkey: settings.valkey },
  );
  fastify.addHook('onRequest', (request, _reply, done) => {
    const presented = request.headers[API_KEY_HEADER];
    if (presented === undefined || !request.url.startsWith(settings.pathPrefix)) return done();
    authenticate(request, presented, settings, failures).then(
      (authorization) => runWithRequestContext({ ...currentRequestContext(), requestId: request.id, authorization }, done),
      (error: unknown) => done(error as FastifyError),
    );
  });
}

/** Verifies the key, records the caller on the request, and resolves the `Authorization` to forward. */
async function authenticate(
  request: FastifyRequest,
  presented: string | string[],
  settings: ApiKeyAuthenticationSettings,
  failures: AttemptThrottle,
): Promise<string> {
  // Two credentials could name two users; acting as either would surprise the client.
  if (request.headers.authorization !== undefined) throw ApiKeysErrors.twoCredentials();
  const wait = await failures.waitSeconds(request.ip);
  if (wait > 0) {
    throw DomainError.tooManyRequests('AUTH.TOO_MANY_API_KEY_ATTEMPTS', `Too many invalid API keys: try again in ${wait} seconds.`, wait);
  }
  const identity = await settings.apiKeys.authenticate(typeof presented === 'string' ? presented : '').catch(async (error: unknown) => {
    if (error instanceof DomainError && error.kind === 'UNAUTHENTICATED') await failures.record(request.ip);
    throw error;
  });
  request.apiKeyId = identity.keyId;
  request.caller = identity.caller;
  return settings.delegatedTokens.authorizationFor(identity.caller);
}
