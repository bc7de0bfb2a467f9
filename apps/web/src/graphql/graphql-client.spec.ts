import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from './graphql-client';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A gateway answering every request with one result, and with `traceparent` when given one. */
function gatewayAnswering(traceparent?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/graphql-response+json' };
  if (traceparent) headers['traceparent'] = traceparent;
  vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify({ data: { __typename: 'Query' } }), { headers })));
}

async function traceIdsSeenBy(query: string): Promise<{ data: unknown; seen: string[] }> {
  const seen: string[] = [];
  const client = createGraphqlClient(null, { onTraceId: (traceId) => seen.push(traceId) });
  const { data } = await client.query(query, {}).toPromise();
  return { data, seen };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('createGraphqlClient', () => {
  it('tells the trace id of each response, from its traceparent header', async () => {
    gatewayAnswering(`00-${TRACE_ID}-00f067aa0ba902b7-00`);
    expect(await traceIdsSeenBy('{ __typename }')).toEqual({ data: { __typename: 'Query' }, seen: [TRACE_ID] });
  });

  it('tells nothing when a response has no valid traceparent', async () => {
    gatewayAnswering('garbage');
    expect(await traceIdsSeenBy('{ __typename }')).toEqual({ data: { __typename: 'Query' }, seen: [] });
  });
});
