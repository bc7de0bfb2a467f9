import { context, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';

/** The current span's context, or undefined outside any trace. */
function activeSpanContext(): SpanContext | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The ids of the current span, for a log line: empty outside any trace. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = activeSpanContext();
  return spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

/**
 * The active span as a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`), or undefined outside a trace.
 * Built from the span itself rather than through the configured propagators, which may not include W3C's.
 */
export function activeTraceparent(): string | undefined {
  const spanContext = activeSpanContext();
  if (!spanContext) return undefined;
  const sampled = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
  return `00-${spanContext.traceId}-${spanContext.spanId}-${sampled ? '01' : '00'}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The span context a W3C `traceparent` value names, or undefined for anything else (a malformed, oversized or
 * all-zero value): for linking to a trace named in data rather than in a request's headers.
 */
export function spanContextOf(traceparent: string): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const spanContext: SpanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}
