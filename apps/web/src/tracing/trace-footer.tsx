import { useLastTraceId } from './last-trace-context';

/**
 * A developer's footer: the trace id of the last GraphQL request, as the gateway returned it in `traceparent`.
 * Every log line of that request carries it as `trace_id`, so it is the one thing to quote in a bug report. A
 * click selects the whole id, for copying.
 */
export function TraceFooter() {
  const traceId = useLastTraceId();
  if (!traceId) return null;
  return (
    <footer className="trace-footer" aria-label="Trace of the last request">
      trace{' '}
      <code title="The trace id of the last request to the gateway: its log lines carry it as trace_id. Click to select it.">
        {traceId}
      </code>
    </footer>
  );
}
