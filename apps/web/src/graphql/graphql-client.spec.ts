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
  const client = createGraphqlClient({ onTraceId: (traceId) => seen.push(traceId) });
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

  it('sends no credential of its own, only the same-origin cookie, and tells of a session the gateway ended', async () => {
    const sent: RequestInit[] = [];
    vi.stubGlobal('fetch', (_input: unknown, init: RequestInit) => {
      sent.push(init);
      const body = { errors: [{ message: 'The session has ended', extensions: { code: 'UNAUTHENTICATED' } }] };
      return Promise.resolve(new Response(JSON.stringify(body), { status: 401, headers: { 'content-type': 'application/json' } }));
    });
    let ended = 0;
    const client = createGraphqlClient({ onUnauthenticated: () => (ended += 1) });
    const { error } = await client.query('{ __typename }', {}).toPromise();

    expect(error?.graphQLErrors[0]?.extensions['code']).toBe('UNAUTHENTICATED');
    expect(ended).toBe(1);
    expect(sent[0]?.credentials).toBe('same-origin');
    expect(new Headers(sent[0]?.headers).has('authorization')).toBe(false);
  });
});
