import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';

interface GraphQLResult {
  status: number;
  contentType: string | null;
  data?: Record<string, any> | null;
  errors?: GraphQLFormattedError[];
}

const KEY_FIELDS = 'id name prefix createdAt lastUsedAt revokedAt requestsToday user { id }';
const USER_KEYS = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { apiKeys { ${KEY_FIELDS} } } } }`;

/** rest-api's subgraph, queried the way the gateway queries it: POST /graphql with the caller's bearer token. */
describe('API keys subgraph', () => {
  let api: TestRestApi;
  let alice: Account;
  let aliceToken: string;
  let bobToken: string;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['users-service'] });
    ({ alice } = api.services.accounts);
    aliceToken = alice.token;
    bobToken = api.services.accounts.bob.token;
    adminToken = api.services.accounts.admin.token;
  });
  afterAll(() => api?.close());

  async function graphql(query: string, variables: object = {}, token?: string): Promise<GraphQLResult> {
    const response = await api.call<Omit<GraphQLResult, 'status' | 'contentType'>>('POST', '/graphql', {
      body: { query, variables },
      ...(token ? { token } : {}),
    });
    return { status: response.status, contentType: response.headers.get('content-type'), ...response.body };
  }

  const createKey = (name: string, token: string) =>
    graphql(`mutation ($name: String!) { createApiKey(name: $name) { secret apiKey { ${KEY_FIELDS} } } }`, { name }, token);

  it('creates a key whose secret opens the REST API as its owner', async () => {
    const { data, errors } = await createKey('browser extension', aliceToken);

    expect(errors).toBeUndefined();
    expect(data?.['createApiKey']).toEqual({
      secret: expect.stringMatching(/^triad_[0-9a-f]{8}_/),
      apiKey: {
        id: expect.any(String),
        name: 'browser extension',
        prefix: expect.stringMatching(/^triad_[0-9a-f]{8}$/),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: null,
        requestsToday: 0,
        user: { id: alice.id },
      },
    });
    const me = await api.call<{ id: string }>('GET', '/v1/users/me', { headers: { 'x-api-key': data?.['createApiKey'].secret } });
    expect(me.body.id).toBe(alice.id);
  });

  it("resolves User.apiKeys for the user themselves, as the gateway asks for another subgraph's User", async () => {
    const key = await api.apiKeyFor(alice, 'listed');
    await api.call('GET', '/v1/users/me', { headers: { 'x-api-key': key.secret } });

    const { data, errors } = await graphql(USER_KEYS, { id: alice.id }, aliceToken);

    expect(errors).toBeUndefined();
    expect(data?.['_entities'][0].apiKeys[0]).toMatchObject({
      id: key.id,
      name: 'listed',
      requestsToday: 1,
      lastUsedAt: expect.any(String),
    });
  });

  it("refuses another customer's User.apiKeys with a GraphQL error, not a problem document", async () => {
    const { status, contentType, data, errors } = await graphql(USER_KEYS, { id: alice.id }, bobToken);

    expect(status).toBe(200);
    expect(contentType).toMatch(/^application\/(graphql-response\+)?json/);
    expect(data?.['_entities']).toEqual([null]);
    expect(errors?.[0]).toMatchObject({
      path: ['_entities', 0, 'apiKeys'],
      extensions: { code: 'FORBIDDEN', errorCode: 'AUTH.PERMISSION_DENIED' },
    });
  });

  it("shows an admin any user's keys", async () => {
    await api.apiKeyFor(alice, 'seen by admin');

    const { data, errors } = await graphql(USER_KEYS, { id: alice.id }, adminToken);

    expect(errors).toBeUndefined();
    expect(data?.['_entities'][0].apiKeys.map((key: { name: string }) => key.name)).toContain('seen by admin');
  });

  it('revokes a key with revokeApiKey, after which REST refuses it', async () => {
    const key = await api.apiKeyFor(alice, 'to revoke');

    const { data, errors } = await graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id: key.id }, aliceToken);

    expect(errors).toBeUndefined();
    expect(data?.['revokeApiKey']).toEqual({ id: key.id, revokedAt: expect.any(String) });
    expect((await api.call('GET', '/v1/users/me', { headers: { 'x-api-key': key.secret } })).status).toBe(401);
  });

  it("answers NOT_FOUND to revoking another user's key, and null to reading it", async () => {
    const key = await api.apiKeyFor(alice, 'not bobs');

    const revoke = await graphql('mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id }, bobToken);
    const read = await graphql('query ($id: ID!) { apiKey(id: $id) { id } }', { id: key.id }, bobToken);

    expect(revoke.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', errorCode: 'API_KEYS.NOT_FOUND' });
    expect(read.data?.['apiKey']).toBeNull();
  });

  it('reports a blank name as bad input on its field, and an anonymous caller as UNAUTHENTICATED', async () => {
    const blank = await createKey(' ', aliceToken);
    const anonymous = await createKey('nobody', '');

    expect(blank.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errorCode: 'API_KEYS.INVALID_INPUT',
      fieldViolations: [{ field: 'name', description: 'must not be empty' }],
    });
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
