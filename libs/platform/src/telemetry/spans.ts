import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { asDomainError } from '../errors/domain-error.js';
import { spanContextOf } from './trace-context.js';

const tracer = () => trace.getTracer('triad');

/**
 * Runs `run` as a span named `name`, a child of the current one, ending it when `run` settles. A failure sets
 * the span's status to error and `error.type` to the domain error's code (`INSUFFICIENT_STOCK`) or the error's
 * name, never its message. For the steps of a process worth seeing in a trace, such as a saga's.
 */
export function inSpan<T>(name: string, run: (span: Span) => Promise<T>, attributes: Attributes = {}): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, (span) => settle(span, run));
}

/** `inSpan` for work no request asked for (a timer, a poll): it starts a trace of its own. */
export function inNewTrace<T>(name: string, run: (span: Span) => Promise<T>, attributes: Attributes = {}): Promise<T> {
  return tracer().startActiveSpan(name, { attributes, root: true }, (span) => settle(span, run));
}

/**
 * Records that `name` happened just now as a span in a trace of its own, linked to the trace `traceparent`
 * names when it is valid: how a stream shows which request caused each event it delivers (the request's trace
 * ended long before, and many streams may deliver the same event).
 */
export function recordLinkedSpan(name: string, traceparent: string | undefined, attributes: Attributes = {}): void {
  const cause = traceparent ? spanContextOf(traceparent) : undefined;
  tracer()
    .startSpan(name, { root: true, attributes, links: cause ? [{ context: cause }] : [] })
    .end();
}

/** Marks `span` failed, as the semantic conventions do: status ERROR and `error.type`, a label, never a message. */
export function markFailed(span: Span, type: string): void {
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** What went wrong, as a low-cardinality label: a domain error's code or the error's class name. */
export function errorType(error: unknown): string {
  return asDomainError(error)?.code ?? (error instanceof Error ? error.name : 'error');
}

async function settle<T>(span: Span, run: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await run(span);
  } catch (error) {
    markFailed(span, errorType(error));
    throw error;
  } finally {
    span.end();
  }
}
