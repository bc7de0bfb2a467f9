import type { FastifyReply, FastifyRequest } from 'fastify';
import { lazyHistogram } from './instruments.js';

/**
 * `http.server.request.duration` of the semantic conventions, for every request a Fastify server here answers:
 * recorded by `createFastifyAdapter` once the response is written, with the attributes the conventions give it
 * (and the HTTP instrumentation would: it no longer sees incoming requests, see `startTelemetry`).
 */
const serverDuration = lazyHistogram('http', 'http.server.request.duration', 'Duration of HTTP server requests.');

/** The methods the conventions name; any other is `_OTHER`, so a client cannot make up new series. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

export function recordServerRequest(request: FastifyRequest, reply: FastifyReply): void {
  const status = reply.statusCode;
  const route = request.routeOptions.url;
  serverDuration().record(reply.elapsedTime / 1000, {
    'http.request.method': KNOWN_METHODS.has(request.method) ? request.method : '_OTHER',
    'url.scheme': request.protocol,
    'network.protocol.version': request.raw.httpVersion,
    'http.response.status_code': status,
    ...(route ? { 'http.route': route } : {}),
    ...(status >= 500 ? { 'error.type': String(status) } : {}),
  });
}
