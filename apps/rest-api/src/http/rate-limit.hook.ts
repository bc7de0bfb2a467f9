import { createHash } from 'node:crypto';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { ApiResponseOptions } from '@nestjs/swagger';
import { DomainError, pathOf, type AccessTokens, type Valkey } from '@triad/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_KEY_HEADER } from '../api-keys/api-key-authentication.hook.js';
import { problemResponse } from '../problems/api-problem-responses.decorator.js';

export interface RateLimitSettings {
  /** Requests each client may send in a minute. */
  perMinute: number;
  tokens: AccessTokens;
  /** Paths that are never limited, each with everything below it: probes, scrapes and the API description. */
  exemptPaths: readonly string[];
  /** Where every replica of the edge counts (Valkey); without one, this process counts in its memory. */
  store?: Valkey | undefined;
}

/**
 * Limits each client to `settings.perMinute` requests a minute (a fixed window), counted in Valkey when the
 * edge has one (`VALKEY_URL`), so that every replica behind the load balancer shares one count per client, and
 * otherwise in this process's memory (one process: `npm start`). If Valkey stops answering, requests go
 * through uncounted until it is back (`skipOnError`): the API stays up, and the log says Valkey is unreachable.
 *
 * Every limited response says where the client stands (`RateLimit-Limit`, `RateLimit-Remaining`,
 * `RateLimit-Reset`: the IETF draft's headers); over the limit the answer is a 429 problem with `Retry-After`.
 */
export async function addRateLimit(fastify: FastifyInstance, settings: RateLimitSettings): Promise<void> {
  await fastify.register(rateLimit, {
    // Not per route: one hook, added below, counts every request, requests for unknown paths included.
    global: false,
    max: settings.perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: (request) => clientKey(request, settings.tokens),
    ...(settings.store ? { redis: settings.store, nameSpace: 'triad:rest-api:rate-limit:', skipOnError: true } : {}),
    allowList: (request) => isExempt(request.url, settings.exemptPaths),
    errorResponseBuilder: (_request, { max, ttl }) => {
      const seconds = Math.ceil(ttl / 1000);
      const wait = `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
      return new DomainError(
        'RESOURCE_EXHAUSTED',
        'REQUEST.RATE_LIMITED',
        `Too many requests: a client may send ${max} a minute. Try again in ${wait}.`,
      );
    },
  });
  fastify.addHook('onRequest', fastify.rateLimit());
}

/** The 429 every operation can answer with, for `DocumentBuilder.addGlobalResponse`. */
export const RATE_LIMITED_RESPONSE: ApiResponseOptions = {
  ...problemResponse(429, 'This client sent too many requests this minute (`REQUEST.RATE_LIMITED`): wait `Retry-After` seconds.'),
  headers: {
    'Retry-After': { description: 'Seconds until the client may send again.', schema: { type: 'integer' } },
    'RateLimit-Limit': { description: 'Requests a client may send a minute.', schema: { type: 'integer' } },
    'RateLimit-Remaining': { description: 'Requests left in this minute (0 here).', schema: { type: 'integer' } },
    'RateLimit-Reset': { description: 'Seconds until the minute ends.', schema: { type: 'integer' } },
  },
};

/**
 * Whose allowance a request uses: its API key's, else its signed-in user's (one allowance across their
 * devices), else its address's. A token that does not verify counts as no token.
 */
async function clientKey(request: FastifyRequest, tokens: AccessTokens): Promise<string> {
  const apiKey = request.headers[API_KEY_HEADER];
  // Hashed, so keys are never held in memory (or, later, in a shared store). Counted before the key is
  // checked: a made-up key gets an allowance of its own, but each of its requests is refused with 401.
  if (typeof apiKey === 'string' && apiKey !== '') return `api-key:${createHash('sha256').update(apiKey).digest('base64url')}`;
  const caller = await tokens.fromAuthorization(request.headers.authorization).catch(() => undefined);
  if (caller) return `user:${caller.userId}`;
  return `address:${normalizeIP(request.ip)}`;
}

function isExempt(url: string, exemptPaths: readonly string[]): boolean {
  const path = pathOf(url);
  return exemptPaths.some((exempt) => path === exempt || path.startsWith(`${exempt}/`));
}
