import type { SecurityHeadersOptions } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { SWAGGER_UI_PATH } from '../openapi/openapi.document.js';

/**
 * The security headers on every API answer, those the OWASP REST Security cheat sheet lists but
 * `X-Frame-Options`, which `frame-ancestors 'none'` has replaced in every current browser: no page may frame
 * a response, none
 * is sniffed as another type, and a browser that has seen HTTPS here keeps to it. helmet's other headers
 * govern HTML documents (what may run, DNS prefetching, downloads, Flash policies, referrers, window openers,
 * embedding by other origins, which browsers already refuse for JSON): on an API they only add some 500 bytes
 * to every answer, so they go on Swagger UI's pages alone (below).
 */
export const API_SECURITY_HEADERS: SecurityHeadersOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: null, frameAncestors: ["'none'"] } },
  xFrameOptions: false,
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/**
 * helmet's full set for Swagger UI at /docs, an HTML page with scripts and styles served from here. Without
 * `upgrade-insecure-requests`, which would send the page's own scripts to an https port that does not exist
 * wherever the API is served over plain HTTP (a laptop, the compose stack).
 */
const DOCS_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';" +
    "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'",
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/**
 * Puts the HTML set on Swagger UI's page and assets, over the API set `API_SECURITY_HEADERS` put there first.
 * By the route that matched, not the URL as sent, which the router decodes first: `/%64ocs` is `/docs` too.
 */
export function addDocsSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === SWAGGER_UI_PATH || route?.startsWith(`${SWAGGER_UI_PATH}/`)) void reply.headers(DOCS_SECURITY_HEADERS);
  });
}
