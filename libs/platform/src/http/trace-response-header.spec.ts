import { context, ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { StackContextManager } from '@opentelemetry/sdk-trace';
import fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTraceResponseHeader } from './trace-response-header.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/**
 * A server whose requests run in `spanContext`, as OpenTelemetry's HTTP instrumentation runs a real server's
 * (the end-to-end suite checks the real one against the request's log line).
 */
function serverInTrace(spanContext: SpanContext | undefined): FastifyInstance {
  const server = fastify();
  server.addHook('onRequest', (_request, _reply, done) => {
    if (!spanContext) return done();
    context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), done);
  });
  // Answers before the trace hook runs, as Nest's CORS hook answers a preflight.
  server.addHook('onRequest', (request, reply, done) => {
    if (request.method === 'OPTIONS') return reply.code(204).send();
    done();
  });
  addTraceResponseHeader(server);
  server.get('/ok', () => ({ ok: true }));
  server.get('/fails', () => {
    throw new Error('broken');
  });
  return server;
}

describe('addTraceResponseHeader', () => {
  // Fastify calls each onRequest hook synchronously from the previous one's `done`, so a synchronous
  // context manager is enough here; the processes run with the SDK's AsyncLocalStorage one.
  beforeAll(() => context.setGlobalContextManager(new StackContextManager().enable()));
  afterAll(() => context.disable());

  it('answers with the traceparent of the trace the request ran in, errors and early answers included', async () => {
    const server = serverInTrace({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });

    for (const [method, url, status] of [
      ['GET', '/ok', 200],
      ['GET', '/nothing-here', 404],
      ['GET', '/fails', 500],
      ['OPTIONS', '/ok', 204],
    ] as const) {
      const response = await server.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(status);
      expect(response.headers['traceparent'], `${method} ${url}`).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    }
  });

  it('says when the trace is not sampled, so a client knows no spans were recorded for it', async () => {
    const response = await serverInTrace({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE }).inject('/ok');
    expect(response.headers['traceparent']).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
  });

  it('sends no header outside a trace (telemetry not started) or for an invalid one', async () => {
    const untraced = await serverInTrace(undefined).inject('/ok');
    const zeros = await serverInTrace({ traceId: '0'.repeat(32), spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED }).inject('/ok');

    expect(untraced.statusCode).toBe(200);
    expect(untraced.headers).not.toHaveProperty('traceparent');
    expect(zeros.headers).not.toHaveProperty('traceparent');
  });
});
