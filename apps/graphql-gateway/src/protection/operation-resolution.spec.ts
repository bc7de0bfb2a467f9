import type { RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestGateway } from '../testing/gateway-client.js';

// No subgraph is needed: `__typename` on Query is answered by the gateway itself.

/** A 400 with Apollo's code for an operation that cannot be chosen, and the gateway's stable code. */
function refusal(errorCode: string, message: string) {
  return { status: 400, body: { errors: [{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE', errorCode } }] } };
}

describe('choosing the operation to run', () => {
  let gateway: RunningService;
  const post = async (body: object) => {
    const { status, body: response } = await postGraphQL(gateway, body);
    return { status, body: response };
  };

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('runs the operation operationName names', async () => {
    expect(await post({ query: 'query A { a: __typename } query B { b: __typename }', operationName: 'B' })).toEqual({
      status: 200,
      body: { data: { b: 'Query' } },
    });
  });

  it('refuses a document of several operations without operationName with a 400, naming them', async () => {
    expect(await post({ query: 'query A { __typename } query B { __typename } mutation C { __typename }' })).toEqual(
      refusal('GATEWAY.OPERATION_NAME_REQUIRED', 'The document holds 3 operations ("A", "B", "C"): set operationName to the one to run.'),
    );
  });

  it('refuses an operationName the document does not define with a 400, quoting no more than its start', async () => {
    expect(await post({ query: 'query A { __typename }', operationName: 'Nope' })).toEqual(
      refusal(
        'GATEWAY.UNKNOWN_OPERATION_NAME',
        'The document has no operation named "Nope"; it has "A": set operationName to one of them.',
      ),
    );

    const { body } = await post({ query: 'query A { __typename }', operationName: 'N'.repeat(50_000) });
    expect(body.errors?.[0]?.message).toBe(
      `The document has no operation named "${'N'.repeat(40)}"… (50000 characters); it has "A": set operationName to one of them.`,
    );
  });

  it('cuts an error message that would quote a large input back', async () => {
    const { status, body } = await post({
      query: 'query ($skip: Boolean!) { __typename @skip(if: $skip) }',
      variables: { skip: 'x'.repeat(50_000) },
    });

    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/^Variable "\$skip" got invalid value "x+… \(message cut\)$/);
    expect(body.errors?.[0]?.message.length).toBeLessThan(1100);
  });
});
