import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AccessTokens,
  addTraceResponseHeader,
  INFRASTRUCTURE_PATHS,
  REQUEST_ID_HEADER,
  setConnectionErrorBody,
  TRACEPARENT_HEADER,
  type Valkey,
} from '@triad/platform';
import { addApiKeyAuthentication } from '../api-keys/api-key-authentication.hook.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { DelegatedTokens } from '../api-keys/delegated-tokens.service.js';
import { OPENAPI_JSON_PATH, SWAGGER_UI_PATH } from '../openapi/openapi.document.js';
import { problemConnectionErrorBody } from '../problems/request-problem.js';
import type { RestApiConfig } from '../rest-api.config.js';
import { addBodyLimitHook } from './body-limit.hook.js';
import { addHttpCacheHook } from './http-cache.hook.js';
import { addMethodNotAllowedHook } from './method-not-allowed.hook.js';
import { addPageLinksHook } from './page-links.hook.js';
import { addRateLimit } from './rate-limit.hook.js';
import { addDocsSecurityHeaders, API_SECURITY_HEADERS } from './security-headers.js';

/** Where platform's `subgraphOptions` serve the API keys subgraph: the gateway's endpoint, not part of the REST API. */
const SUBGRAPH_PATH = '/graphql';

/** Response headers a browser script on an allowed origin may read; CORS hides all others. */
const EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'Link',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  REQUEST_ID_HEADER,
  TRACEPARENT_HEADER,
];

/**
 * Everything the public edge does for every route: the request's trace in `traceparent`, security headers, CORS,
 * body limits, rate limits, API keys, 405s, caching and page links, and problem documents for requests Node
 * refuses before any route sees them (the platform's adapter does the rest: time limits, JSON checks, 4xx
 * refusals). Installed before Nest registers the routes, as `@BodyLimit()` is applied to each route while it is
 * registered. The routes only declare their part: `@Cacheable()`, `@PagedList()`, `@BodyLimit()`.
 */
export async function setUpHttpEdge(app: NestFastifyApplication, config: RestApiConfig, valkey?: Valkey): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // First, so that every answer carries it, a 429 or a refused API key too.
  addTraceResponseHeader(fastify);
  app.useSecurityHeaders(API_SECURITY_HEADERS);
  addDocsSecurityHeaders(fastify);
  setConnectionErrorBody(app, problemConnectionErrorBody);
  if (config.CORS_ORIGINS.length > 0) enableCors(app, config.CORS_ORIGINS);

  addBodyLimitHook(fastify);
  // Before the 405 check, so a request for a path or a method the API lacks uses allowance too. The subgraph
  // is exempt: the gateway holds each operation to its own limits, and it could not read a 429 problem.
  await addRateLimit(fastify, {
    perMinute: config.RATE_LIMIT_PER_MINUTE,
    tokens: app.get(AccessTokens),
    exemptPaths: [...INFRASTRUCTURE_PATHS, OPENAPI_JSON_PATH, SWAGGER_UI_PATH, SUBGRAPH_PATH],
    store: valkey,
  });
  // After the rate limit, so a client that keeps sending a bad key is stopped before each try costs a database
  // lookup. Only the REST resources take keys: the subgraph authenticates the bearer token the gateway forwards.
  addApiKeyAuthentication(fastify, {
    apiKeys: app.get(ApiKeysService),
    delegatedTokens: app.get(DelegatedTokens),
    pathPrefix: '/v1/',
    maxFailures: config.API_KEY_FAILURES_PER_CLIENT,
    valkey,
  });
  addMethodNotAllowedHook(fastify);
  addPageLinksHook(fastify);
  addHttpCacheHook(fastify);
}

/**
 * CORS for the listed origins only: a request from any other page, or from no browser at all, gets no CORS
 * headers (rather than `Access-Control-Expose-Headers` on every answer). `Vary: Origin` is on every answer, so
 * a shared cache never hands one origin's answer to another. With no origin listed, nothing varies by origin.
 */
function enableCors(app: NestFastifyApplication, origins: readonly string[]): void {
  const allowed = new Set(origins);
  app.enableCors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: EXPOSED_HEADERS,
    // Tokens travel in `Authorization`, never in cookies, so credentialed CORS is not needed.
    credentials: false,
    maxAge: 600,
  });
}
