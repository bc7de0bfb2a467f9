import { createHash } from 'node:crypto';
import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiResponse, type HeadersObject } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiResponseHeaders } from '../openapi/api-response-headers.decorator.js';
import { AddRouteConfig } from './route-config.js';

/**
 * Who may keep a successful GET response, and for how long:
 * - `public`: the same for every caller (the catalog), so any cache on the way may serve it for a minute;
 * - `private`: what the caller's token lets them see (accounts, orders), so only the caller's own client may
 *   keep it, asking again before each use (`no-cache`), which `If-None-Match` makes cheap. `Vary:
 *   Authorization, X-API-Key` tells caches that another token or key may get another answer.
 */
const POLICIES = {
  public: { cacheControl: 'public, max-age=60', varyByCaller: false },
  private: { cacheControl: 'private, no-cache', varyByCaller: true },
} as const;

export type CachePolicy = keyof typeof POLICIES;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `@Cacheable()`. */
    cache?: CachePolicy;
  }
}

const CACHE_HEADERS: HeadersObject = {
  ETag: { description: 'A strong validator of this response; send it back as `If-None-Match`.', schema: { type: 'string' } },
  'Cache-Control': { description: 'Who may keep this response, and for how long.', schema: { type: 'string' } },
};

/**
 * Makes the GET responses of a route cacheable and revalidatable under `policy`: each carries an `ETag` and
 * `Cache-Control`, and a request whose `If-None-Match` names the current `ETag` gets 304 with no body.
 */
export function Cacheable(policy: CachePolicy): MethodDecorator {
  return applyDecorators(
    AddRouteConfig({ cache: policy }),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The `ETag` of a copy the client holds (or several, comma-separated, or `*`): while it is current the answer is 304.',
    }),
    ApiResponseHeaders(200, CACHE_HEADERS),
    ApiResponse({
      status: 304,
      description: 'Not modified: the copy named in `If-None-Match` is current. No body.',
      headers: CACHE_HEADERS,
    }),
  );
}

/**
 * Serves `@Cacheable` routes. The tag is a hash of the body exactly as it is sent, so it changes whenever
 * any byte does, and it is computed here, in `onSend`, after serialization: one place for every route,
 * nothing for a handler to get wrong. A 304 still costs the upstream call, but not the body on the wire.
 */
export function addHttpCacheHook(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const policy = request.routeOptions.config.cache;
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (policy === undefined || !isRead || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;

    // 128 bits of the body's SHA-256: as unlikely to collide as a UUID, in half the bytes of the whole hash.
    const etag = `"${createHash('sha256').update(payload).digest().subarray(0, 16).toString('base64url')}"`;
    const { cacheControl, varyByCaller } = POLICIES[policy];
    void reply.header('etag', etag).header('cache-control', cacheControl);
    if (varyByCaller) addVary(reply, ['Authorization', 'X-API-Key']);
    if (!matchesAny(request.headers['if-none-match'], etag)) return payload;

    // RFC 9110 §15.4.5: a 304 repeats ETag, Cache-Control and Vary, and has no body or content headers.
    void reply.code(304).removeHeader('content-type').removeHeader('content-length');
    return null;
  });
}

/** `If-None-Match` compares weakly (RFC 9110 §13.1.2): `W/"x"` matches `"x"`, and `*` matches anything. */
function matchesAny(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** Adds fields to `Vary`, keeping the ones already there (CORS adds `Origin`). */
function addVary(reply: FastifyReply, added: readonly string[]): void {
  const fields = String(reply.getHeader('vary') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (fields.includes('*')) return;
  const present = new Set(fields.map((name) => name.toLowerCase()));
  const missing = added.filter((field) => !present.has(field.toLowerCase()));
  if (missing.length > 0) void reply.header('vary', [...fields, ...missing].join(', '));
}
