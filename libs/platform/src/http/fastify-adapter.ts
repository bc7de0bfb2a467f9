import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { SERVICE_TOKEN_METADATA_KEY } from '../auth/service-credentials.js';
import { acceptRequestId, CLIENT_ADDRESS_HEADER, REQUEST_ID_HEADER, runWithRequestContext } from '../logging/request-context.js';
import { recordServerRequest } from '../telemetry/http-server.js';
import { HardenedFastifyAdapter } from './hardened-fastify-adapter.js';
import { INFRASTRUCTURE_PATHS } from './infrastructure-paths.js';
import { pathOf } from './request-path.js';
import { forwardedByTrustedProxy, type TrustProxy } from './trusted-proxies.js';

export interface FastifyAdapterOptions {
  bodyLimit?: number;
  /** The proxies whose `X-Forwarded-For` gives a request's client address (`request.ip`); none by default. */
  trustProxy?: TrustProxy | undefined;
}

/**
 * The Fastify adapter every Triad HTTP server uses: each request gets an id (the caller's `x-request-id` when
 * it sent a sane one), echoed in the response, present in every log line, and forwarded on gRPC calls.
 */
export function createFastifyAdapter(logger: Logger, options: FastifyAdapterOptions = {}): FastifyAdapter {
  // Time limits, JSON only, and 4xx refusals in the server's own shape: see HardenedFastifyAdapter.
  const adapter = new HardenedFastifyAdapter(logger, {
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    genReqId: (request: IncomingMessage) => acceptRequestId(request.headers[REQUEST_ID_HEADER]),
  });
  const fastify = adapter.getInstance();
  // Probes and scrapes come straight to the process (the kubelet, Prometheus). One a trusted proxy passed on (an
  // Ingress) came from outside, where these paths do not exist: metrics name routes, clients and business figures.
  const trust = options.trustProxy;
  if (trust) {
    fastify.addHook('onRequest', (request, reply, done) => {
      // By the route matched, not the URL as sent, which may spell the path differently (`/%6Detrics`).
      if (INFRASTRUCTURE_PATHS.has(request.routeOptions.url ?? '') && forwardedByTrustedProxy(request.raw, trust)) {
        reply.callNotFound();
        return;
      }
      done();
    });
  }
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const authorization = request.headers.authorization;
    const forwardedClient = { address: request.headers[CLIENT_ADDRESS_HEADER], serviceToken: request.headers[SERVICE_TOKEN_METADATA_KEY] };
    const context = { requestId: request.id, clientAddress: request.ip, forwardedClient };
    runWithRequestContext({ ...context, ...(authorization ? { authorization } : {}) }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = pathOf(request.url);
    const route = request.routeOptions.url;
    // By the route matched, as above: `/%6Detrics` is a scrape too.
    if (!INFRASTRUCTURE_PATHS.has(route ?? '')) {
      recordServerRequest(request.raw, route, reply.statusCode, reply.elapsedTime / 1000);
      logger.info(
        { requestId: request.id, method: request.method, path, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) },
        'http request',
      );
    }
    done();
  });
  return adapter;
}
