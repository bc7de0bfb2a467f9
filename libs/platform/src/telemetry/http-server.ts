import { context, propagation, ROOT_CONTEXT, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { pathOf } from '../http/request-path.js';
import { lazyHistogram, secondsSince } from './instruments.js';
import { markFailed } from './spans.js';

/**
 * What the HTTP semantic conventions record of each request an HTTP server here answers. The server span comes
 * from `@fastify/otel` (see `startTelemetry`, which names it with `serverSpanAttributes`), the duration from
 * `createFastifyAdapter`, and both, for a request Fastify's router refuses before any hook runs, from
 * `inServerSpan`.
 */
const serverDuration = lazyHistogram('http', 'http.server.request.duration', 'Duration of HTTP server requests.');

/** The methods the conventions name; any other is `_OTHER`, so a client cannot make up span names or series. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY']);

/** The span name the conventions give a server request: `GET /v1/products/:id`, `GET` without a route. */
export function serverSpanName(request: IncomingMessage, route: string | undefined): string {
  const method = methodOf(request);
  if (method === '_OTHER') return 'HTTP';
  return route ? `${method} ${route}` : method;
}

/**
 * A server span's attributes known when the request arrives. The path goes without its query string, which may
 * carry what should not reach a trace backend; the scheme is the one this server speaks, not a header's claim.
 */
export function serverSpanAttributes(request: IncomingMessage, clientAddress: string | undefined): Attributes {
  const attributes = requestAttributes(request);
  return {
    ...attributes,
    ...(attributes['http.request.method'] === '_OTHER' ? { 'http.request.method_original': request.method } : {}),
    'url.path': pathOf(request.url ?? '/'),
    'client.address': clientAddress,
  };
}

/** Records `http.server.request.duration` for a request answered with `statusCode`, by the route it matched. */
export function recordServerRequest(request: IncomingMessage, route: string | undefined, statusCode: number, seconds: number): void {
  serverDuration().record(seconds, {
    ...requestAttributes(request),
    'http.response.status_code': statusCode,
    ...(route ? { 'http.route': route } : {}),
    ...(statusCode >= 500 ? { 'error.type': String(statusCode) } : {}),
  });
}

/**
 * Runs `answer` in a server span of its own for a request no instrumentation traces (one Fastify's router refuses
 * before any hook runs), continuing the caller's trace; the span ends, and the duration is recorded, when the
 * response does.
 */
export function inServerSpan<T>(request: IncomingMessage, response: ServerResponse, answer: () => T): T {
  const startedAt = performance.now();
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = trace
    .getTracer('triad')
    .startSpan(
      serverSpanName(request, undefined),
      { kind: SpanKind.SERVER, attributes: serverSpanAttributes(request, request.socket.remoteAddress) },
      parent,
    );
  response.once('close', () => {
    endServerSpan(span, response.statusCode);
    recordServerRequest(request, undefined, response.statusCode, secondsSince(startedAt));
  });
  return context.with(trace.setSpan(parent, span), answer);
}

function endServerSpan(span: Span, statusCode: number): void {
  span.setAttribute('http.response.status_code', statusCode);
  // A 4xx is the client's mistake, not the server's: the conventions leave its status unset.
  if (statusCode >= 500) markFailed(span, String(statusCode));
  span.end();
}

function requestAttributes(request: IncomingMessage): Attributes {
  return {
    'http.request.method': methodOf(request),
    'url.scheme': (request.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http',
    'network.protocol.version': request.httpVersion,
  };
}

function methodOf(request: IncomingMessage): string {
  const method = request.method ?? 'GET';
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}
