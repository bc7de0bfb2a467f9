import type { IncomingMessage } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { acceptRequestId, REQUEST_ID_HEADER, runWithRequestContext } from '../logging/request-context.js';

/**
 * The Fastify adapter every Triad HTTP server uses: each request gets an id (the caller's `x-request-id` when
 * it sent a sane one), echoed in the response, present in every log line, and forwarded on gRPC calls.
 */
export function createFastifyAdapter(logger: Logger, options: { bodyLimit?: number } = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    genReqId: (request: IncomingMessage) => acceptRequestId(request.headers[REQUEST_ID_HEADER]),
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    const authorization = request.headers.authorization;
    runWithRequestContext({ requestId: request.id, ...(authorization ? { authorization } : {}) }, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0];
    if (path !== '/healthz' && path !== '/readyz') {
      logger.info(
        { requestId: request.id, method: request.method, path, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) },
        'http request',
      );
    }
    done();
  });
  return adapter;
}
