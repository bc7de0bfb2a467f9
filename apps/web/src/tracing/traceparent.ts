/** The W3C Trace Context response header the gateway names each request's trace in. */
export const TRACEPARENT_HEADER = 'traceparent';

// version-traceid-parentid-flags, lowercase hex (https://www.w3.org/TR/trace-context/#traceparent-header).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The trace id in a `traceparent` header value, or null when there is none or it is not one. As the
 * specification asks, a version this app does not know may add fields after the flags, version 00 may not,
 * version ff is invalid, and an all-zero trace or parent id means no trace.
 */
export function traceIdFromTraceparent(value: string | null | undefined): string | null {
  const match = TRACEPARENT.exec(value?.trim() ?? '');
  if (!match) return null;
  const [, version, traceId = '', parentId = '', , extra] = match;
  if (version === 'ff' || (version === '00' && extra !== undefined)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  return traceId;
}
