import { DomainError, type Caller, type RunningService } from '@triad/platform';
import { sharedTestAuthority, startTestAuthority } from '@triad/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postGraphQL, startTestGateway as startGateway } from '../testing/gateway-client.js';
import { startStandInSubgraph, type StandInContext } from '../testing/stand-in-subgraph.js';

const alice = { userId: 'user-alice', role: 'customer' } as const;
/** A token of the authority the test gateway trusts; a negative lifetime makes an expired one. */
const tokenFor = async (caller: Caller, ttlSeconds?: number) => (await sharedTestAuthority()).tokenFor(caller, ttlSeconds);

/**
 * A stand-in for users-service's subgraph: like the real one it checks the forwarded token itself, and an admin-only
 * field fails for everyone else.
 */
function startUsersSubgraph() {
  return startStandInSubgraph(
    `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
     type User @key(fields: "id") { id: ID! email: String name: String! }
     type UserConnection { nodes: [User!]! }
     type Query { me: User users: UserConnection! }`,
    {
      Query: {
        me: async (_: unknown, __: unknown, { authorization }: StandInContext) => {
          const caller = await (await sharedTestAuthority()).tokens.fromAuthorization(authorization);
          return caller ? { id: caller.userId, email: 'alice@triad.dev', name: 'Alice Customer' } : null;
        },
        users: () => {
          throw DomainError.permissionDenied('Only an admin can list users.');
        },
      },
    },
  );
}

/** The address of a subgraph that has gone away: connections to it are refused. */
async function stoppedSubgraphUrl(): Promise<string> {
  const gone = await startUsersSubgraph();
  await gone.stop();
  return gone.url;
}

function startTestGateway(usersSubgraphUrl: string): Promise<RunningService> {
  return startGateway({ USERS_SUBGRAPH_URL: usersSubgraphUrl, SUBGRAPH_TIMEOUT_MS: '500' });
}

function graphql(gateway: RunningService, query: string, headers: Record<string, string> = {}) {
  return postGraphQL(gateway, { query }, headers);
}

describe('graphql-gateway', () => {
  let subgraph: Awaited<ReturnType<typeof startUsersSubgraph>>;
  let gateway: RunningService;

  beforeAll(async () => {
    subgraph = await startUsersSubgraph();
    gateway = await startTestGateway(subgraph.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraph?.stop();
  });
  beforeEach(() => {
    subgraph.received.length = 0;
    subgraph.answerAfter(0);
  });

  it('answers a query from the users subgraph for the signed-in caller', async () => {
    const token = await tokenFor(alice);

    const { status, body } = await graphql(gateway, '{ me { id name } }', { authorization: `Bearer ${token}` });

    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { id: 'user-alice', name: 'Alice Customer' } } });
  });

  it('forwards the Authorization header and the request id to the subgraph', async () => {
    const token = await tokenFor(alice);

    const { headers } = await graphql(gateway, '{ me { id } }', { authorization: `Bearer ${token}`, 'x-request-id': 'spec-request-1' });

    expect(headers.get('x-request-id')).toBe('spec-request-1');
    expect(subgraph.received).toHaveLength(1);
    expect(subgraph.received[0]).toMatchObject({ authorization: `Bearer ${token}`, 'x-request-id': 'spec-request-1' });
  });

  it('gives a request without an id one of its own, and sends the subgraph the same id', async () => {
    const { headers } = await graphql(gateway, '{ me { id } }');

    const requestId = headers.get('x-request-id');
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    expect(subgraph.received[0]?.['x-request-id']).toBe(requestId);
  });

  it('lets an anonymous request through and leaves the subgraph to decide', async () => {
    const { body } = await graphql(gateway, '{ me { id } }');

    expect(body).toEqual({ data: { me: null } });
    expect(subgraph.received[0]?.authorization).toBeUndefined();
  });

  it('refuses an invalid token with UNAUTHENTICATED without calling any subgraph', async () => {
    const impostor = await startTestAuthority();
    const forged = await impostor.tokenFor(alice);
    await impostor.close();

    const { status, headers, body } = await graphql(gateway, '{ me { id } }', { authorization: `Bearer ${forged}` });

    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('Bearer');
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'The access token is not valid: sign in again.',
        extensions: { code: 'UNAUTHENTICATED', errorCode: 'AUTH.UNAUTHENTICATED' },
      },
    ]);
    expect(subgraph.received).toHaveLength(0);
  });

  it('says so when the token has expired', async () => {
    const token = await tokenFor(alice, -3600);

    const { status, body } = await graphql(gateway, '{ me { id } }', { authorization: `Bearer ${token}` });

    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('The access token has expired: sign in again.');
    expect(subgraph.received).toHaveLength(0);
  });

  it('keeps the code of an error a subgraph raises, with no stack trace', async () => {
    const token = await tokenFor(alice);

    const { status, body } = await graphql(gateway, '{ users { nodes { id } } }', { authorization: `Bearer ${token}` });

    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Only an admin can list users.',
      extensions: { code: 'FORBIDDEN', errorCode: 'AUTH.PERMISSION_DENIED' },
    });
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts:/);
  });

  it('answers DEADLINE_EXCEEDED when a subgraph does not answer in time', async () => {
    subgraph.answerAfter(2_000);

    const { body } = await graphql(gateway, '{ me { id } }');

    expect(body.data).toEqual({ me: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'DEADLINE_EXCEEDED', errorCode: 'GATEWAY.SUBGRAPH_TIMEOUT' });
  });

  it('answers SERVICE_UNAVAILABLE when a subgraph cannot be reached', async () => {
    const nowhere = await startTestGateway(await stoppedSubgraphUrl());
    try {
      const { body } = await graphql(nowhere, '{ me { id } }');

      expect(body.errors?.[0]).toMatchObject({
        message: 'The users service is unavailable; try again shortly.',
        extensions: { code: 'SERVICE_UNAVAILABLE', errorCode: 'GATEWAY.SUBGRAPH_UNAVAILABLE' },
      });
    } finally {
      await nowhere.close();
    }
  });

  it('is live and ready once the supergraph is loaded, whether or not subgraphs answer', async () => {
    const nowhere = await startTestGateway(await stoppedSubgraphUrl());
    try {
      for (const path of ['/healthz', '/readyz']) {
        const response = await fetch(`${nowhere.httpUrl}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
      }
    } finally {
      await nowhere.close();
    }
  });
});
