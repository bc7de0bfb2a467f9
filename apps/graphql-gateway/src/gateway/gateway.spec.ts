import { generateSigningKey, UserTokenSigner, type RunningService } from '@triad/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGraphServices, type GraphServices } from '../testing/graph-services.js';
import { postGraphQL, startTestGateway } from '../testing/gateway-client.js';
import { startSubgraphProxy, type SubgraphProxy } from '../testing/subgraph-proxy.js';

describe('graphql-gateway', () => {
  let services: GraphServices;
  /** The network between the gateway and users-service's subgraph, which some tests break. */
  let toUsers: SubgraphProxy;
  let gateway: RunningService;
  let alice: GraphServices['accounts']['alice'];

  const graphql = (query: string, headers: Record<string, string> = {}) => postGraphQL(gateway, { query }, headers);
  const asAlice = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${alice.token}`, ...headers });
  /** The subgraph requests users-service served for the gateway request with this id. */
  const usersServed = async (requestId: string) =>
    (await services.requestsServed(requestId)).filter(({ service, path }) => service === 'users-service' && path === '/graphql');

  beforeAll(async () => {
    services = await startGraphServices();
    toUsers = await startSubgraphProxy(services.gatewayEnv['USERS_SUBGRAPH_URL']!);
    gateway = await startTestGateway({ ...services.gatewayEnv, USERS_SUBGRAPH_URL: toUsers.url });
    alice = services.accounts.alice;
  });
  afterAll(async () => {
    await gateway?.close();
    await toUsers?.close();
    await services?.stop();
  });
  afterEach(() => {
    toUsers.heal();
    vi.useRealTimers();
  });

  it('answers a query from the users subgraph for the signed-in caller', async () => {
    const { status, body } = await graphql('{ me { id name } }', asAlice());

    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { id: alice.id, name: 'Alice Customer' } } });
  });

  it('forwards the Authorization header and the request id to the subgraph', async () => {
    const { headers, body } = await graphql('{ me { id } }', asAlice({ 'x-request-id': 'spec-request-1' }));

    expect(headers.get('x-request-id')).toBe('spec-request-1');
    // users-service knows the caller only from the token the gateway forwarded.
    expect(body).toEqual({ data: { me: { id: alice.id } } });
    expect(await usersServed('spec-request-1')).toHaveLength(1);
  });

  it('gives a request without an id one of its own, and sends the subgraph the same id', async () => {
    const { headers } = await graphql('{ me { id } }');

    const requestId = headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[\w-]{8,}$/);
    expect(await usersServed(requestId)).toHaveLength(1);
  });

  it('lets an anonymous request through and leaves the subgraph to decide', async () => {
    const { headers, body } = await graphql('{ me { id } }');

    expect(body).toEqual({ data: { me: null } });
    expect(await usersServed(headers.get('x-request-id')!)).toHaveLength(1);
  });

  it('refuses an invalid token with UNAUTHENTICATED without calling any subgraph', async () => {
    // Alice's claims under users-service's issuer, signed with a key that is not users-service's.
    const forger = await UserTokenSigner.create([await generateSigningKey()], services.gatewayEnv['AUTH_ISSUER']!);
    const { token: forged } = await forger.sign({ userId: alice.id, role: 'admin' }, 3600);

    const { status, headers, body } = await graphql('{ me { id } }', { authorization: `Bearer ${forged}`, 'x-request-id': 'forged-1' });

    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toContain('Bearer');
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: 'The access token is not valid: sign in again.',
        extensions: { code: 'UNAUTHENTICATED', errorCode: 'AUTH.UNAUTHENTICATED' },
      },
    ]);
    expect(await services.requestsServed('forged-1')).toEqual([]);
  });

  it('says so when the token has expired', async () => {
    // Alice's token from sign-in, presented after its lifetime (JWT_TTL_SECONDS, an hour) has passed.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3600_000 });

    const { status, body } = await graphql('{ me { id } }', asAlice({ 'x-request-id': 'expired-1' }));
    vi.useRealTimers();

    expect(status).toBe(401);
    expect(body.errors?.[0]?.message).toBe('The access token has expired: sign in again.');
    expect(await services.requestsServed('expired-1')).toEqual([]);
  });

  it('keeps the code of an error a subgraph raises, with no stack trace', async () => {
    const { status, body } = await graphql('{ users { nodes { id } } }', asAlice());

    expect(status).toBe(200);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({
      message: 'Only an admin can list users.',
      extensions: { code: 'FORBIDDEN', errorCode: 'AUTH.PERMISSION_DENIED' },
    });
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.[jt]s:/);
  });

  it('answers DEADLINE_EXCEEDED when a subgraph does not answer in time', async () => {
    // A gateway of its own, so the others keep the default deadline however busy the machine is.
    const impatient = await startTestGateway({ ...services.gatewayEnv, USERS_SUBGRAPH_URL: toUsers.url, SUBGRAPH_TIMEOUT_MS: '500' });
    try {
      toUsers.hold();

      const startedAt = performance.now();
      const { body } = await postGraphQL(impatient, { query: '{ me { id } }' }, asAlice());

      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(450);
      expect(body.data).toEqual({ me: null });
      expect(body.errors?.[0]).toMatchObject({
        message: 'The users service did not answer in time; try again shortly.',
        extensions: { code: 'DEADLINE_EXCEEDED', errorCode: 'GATEWAY.SUBGRAPH_TIMEOUT' },
      });
    } finally {
      await impatient.close();
    }
  });

  it('answers SERVICE_UNAVAILABLE when a subgraph cannot be reached', async () => {
    toUsers.down();

    const { body } = await graphql('{ me { id } }', asAlice());

    expect(body.errors?.[0]).toMatchObject({
      message: 'The users service is unavailable; try again shortly.',
      extensions: { code: 'SERVICE_UNAVAILABLE', errorCode: 'GATEWAY.SUBGRAPH_UNAVAILABLE' },
    });
  });

  it('is live and ready once the supergraph is loaded, whether or not subgraphs answer', async () => {
    toUsers.down();

    for (const path of ['/healthz', '/readyz']) {
      const response = await fetch(`${gateway.httpUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });

  it('answers again as soon as the subgraph is back', async () => {
    toUsers.down();
    expect((await graphql('{ me { id } }', asAlice())).body.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');

    toUsers.heal();

    expect((await graphql('{ me { id } }', asAlice())).body).toEqual({ data: { me: { id: alice.id } } });
  });
});
