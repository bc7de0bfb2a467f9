import type { FastifyInstance, FastifyReply } from 'fastify';
import { activeTraceparent } from '../telemetry/trace-context.js';

/** The W3C Trace Context header (https://www.w3.org/TR/trace-context/#traceparent-header). */
export const TRACEPARENT_HEADER = 'traceparent';

/**
 * Answers every request with a `traceparent` header naming the trace the request ran in, so that whoever sent
 * it (a browser's developer footer, a script, a bug report) can quote the trace id that finds the request's log
 * lines (`trace_id`) and spans. The trace is the one Fastify's OpenTelemetry instrumentation gave the request
 * (`inServerSpan` for a URL the router refused): the caller's own when it sent a valid `traceparent`, a new one
 * otherwise (an invalid header is ignored there, so what comes back is always well formed).
 *
 * Set in `onRequest`, as the request id is, so that a response written past Fastify's `send` (a server-sent
 * event stream) carries it too; and again in `onSend` where it is missing, for answers given before this hook
 * ran: a CORS preflight (Nest's CORS hook runs first), a URL the router refused. Both run in the request's
 * trace context. Register it before any hook of your own that may answer early. Without telemetry (no
 * `--import @triad/platform/telemetry/register`) there is no trace and no header; nor is there for what Node
 * refuses before a request exists (headers over its limit, malformed HTTP).
 */
export function addTraceResponseHeader(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (_request, reply, done) => {
    setTraceparentHeader(reply);
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    setTraceparentHeader(reply);
    done(null, payload);
  });
}

/** Sets `traceparent` on `reply` from the active span, unless it is set already or there is no trace. */
export function setTraceparentHeader(reply: FastifyReply): void {
  if (reply.hasHeader(TRACEPARENT_HEADER)) return;
  const traceparent = activeTraceparent();
  if (traceparent) void reply.header(TRACEPARENT_HEADER, traceparent);
}
