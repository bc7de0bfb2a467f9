import { describe, expect, it } from 'vitest';
import { selectedInstrumentations } from './telemetry.js';

describe('selectedInstrumentations', () => {
  const available = { http: () => 'http', grpc: () => 'grpc', pg: () => 'pg' };

  it('loads every instrumentation unless told otherwise', () => {
    expect(selectedInstrumentations({}, available)).toEqual(['http', 'grpc', 'pg']);
  });

  it('keeps only the enabled ones, then drops the disabled ones, by their names', () => {
    expect(selectedInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'grpc, pg' }, available)).toEqual(['grpc', 'pg']);
    expect(selectedInstrumentations({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' }, available)).toEqual(['grpc', 'pg']);
    expect(
      selectedInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,grpc', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'grpc' }, available),
    ).toEqual(['http']);
  });

  it('refuses a name it does not know, listing those it does, rather than leave a process untraced', () => {
    expect(() => selectedInstrumentations({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'htp' }, available)).toThrow(
      'name instrumentations this process does not have: htp; it has http, grpc, pg',
    );
  });

  it('creates only the instrumentations it keeps: creating one patches modules', () => {
    const created: string[] = [];
    selectedInstrumentations(
      { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'grpc' },
      {
        http: () => created.push('http'),
        grpc: () => created.push('grpc'),
      },
    );
    expect(created).toEqual(['http']);
  });
});
