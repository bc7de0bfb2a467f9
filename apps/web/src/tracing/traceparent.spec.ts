import { describe, expect, it } from 'vitest';
import { traceIdFromTraceparent } from './traceparent';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

describe('traceIdFromTraceparent', () => {
  it('reads the trace id of a traceparent, sampled or not', () => {
    expect(traceIdFromTraceparent(`00-${TRACE_ID}-00f067aa0ba902b7-01`)).toBe(TRACE_ID);
    expect(traceIdFromTraceparent(`00-${TRACE_ID}-00f067aa0ba902b7-00`)).toBe(TRACE_ID);
  });

  it('accepts the extra fields a later version may add, but not on version 00', () => {
    expect(traceIdFromTraceparent(`01-${TRACE_ID}-00f067aa0ba902b7-01-later`)).toBe(TRACE_ID);
    expect(traceIdFromTraceparent(`00-${TRACE_ID}-00f067aa0ba902b7-01-later`)).toBeNull();
  });

  it('finds no trace in a missing, malformed or invalid header', () => {
    for (const value of [
      null,
      undefined,
      '',
      'not a traceparent',
      `00-${TRACE_ID.toUpperCase()}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID.slice(1)}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID}-00f067aa0ba902b7`,
      `ff-${TRACE_ID}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
      `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
    ]) {
      expect(traceIdFromTraceparent(value), String(value)).toBeNull();
    }
  });
});
