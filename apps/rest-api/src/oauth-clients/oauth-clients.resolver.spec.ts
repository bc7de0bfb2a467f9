import { clientCredentialsRequest } from '@triad/testing';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';

interface GraphQLResult {
  status: number;
  data?: Record<string, any> | null;
  errors?: GraphQLFormattedError[];
}

const CLIENT_FIELDS = 'clientId name scopes createdAt';
const CREATE = `mutation ($name: String!, $scopes: [String!]!) {
  createOAuthClient(name: $name, scopes: $scopes) { clientSecret tokenEndpoint oauthClient { ${CLIENT_FIELDS} } }
}`;
const USER_CLIENTS = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { oauthClients { ${CLIENT_FIELDS} } } } }`;

/** rest-api's subgraph, queried the way the gateway queries it: POST /graphql with the caller's bearer token. */
describe('OAuth clients subgraph', () => {
  let api: TestRestApi;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['users-service'] });
    ({ alice, bob } = api.services.accounts);
  });
  afterAll(() => api?.close());

  async function graphql(query: string, variables: object = {}, token?: string): Promise<GraphQLResult> {
    const response = await api.call<Omit<GraphQLResult, 'status'>>('POST', '/graphql', {
      body: { query, variables },
      ...(token ? { token } : {}),
    });
    return { status: response.status, ...response.body };
  }

  it('offers each user the scopes they can grant', async () => {
    const query = '{ oauthScopes { name description } }';

    const customer = await graphql(query, {}, alice.token);
    const admin = await graphql(query, {}, api.services.accounts.admin.token);

    expect(customer.data?.['oauthScopes'].map((scope: { name: string }) => scope.name)).toEqual(['orders:read', 'orders:write']);
    expect(admin.data?.['oauthScopes']).toContainEqual({ name: 'catalog:write', description: 'change the catalog (admins only)' });
  });

  it('registers a client whose secret gets a token, lists it on User.oauthClients, and revokes it', async () => {
    const created = await graphql(CREATE, { name: 'browser extension', scopes: ['orders:read'] }, alice.token);
    const { clientSecret, oauthClient } = created.data?.['createOAuthClient'] ?? {};

    expect(created.errors).toBeUndefined();
    expect(oauthClient).toEqual({
      clientId: expect.any(String),
      name: 'browser extension',
      scopes: ['orders:read'],
      createdAt: expect.any(String),
    });
    const client = { clientId: oauthClient.clientId, clientSecret };
    expect((await clientCredentialsRequest(`${api.url}/oidc/token`, client)).status).toBe(200);

    const listed = await graphql(USER_CLIENTS, { id: alice.id }, alice.token);
    expect(listed.data?.['_entities'][0].oauthClients).toContainEqual(oauthClient);

    const revoked = await graphql('mutation ($id: ID!) { revokeOAuthClient(clientId: $id) }', { id: oauthClient.clientId }, alice.token);
    expect(revoked.data?.['revokeOAuthClient']).toBe(oauthClient.clientId);
    expect((await clientCredentialsRequest(`${api.url}/oidc/token`, client)).body.error).toBe('invalid_client');
  });

  it("refuses another user's User.oauthClients and revoking their client, with GraphQL errors", async () => {
    const mine = (await graphql(CREATE, { name: 'alice only', scopes: ['orders:read'] }, alice.token)).data?.['createOAuthClient'];

    const read = await graphql(USER_CLIENTS, { id: alice.id }, bob.token);
    const revoke = await graphql('mutation ($id: ID!) { revokeOAuthClient(clientId: $id) }', { id: mine.oauthClient.clientId }, bob.token);

    expect(read.status).toBe(200);
    expect(read.errors?.[0]).toMatchObject({ path: ['_entities', 0, 'oauthClients'], extensions: { code: 'FORBIDDEN' } });
    expect(revoke.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', errorCode: 'OAUTH_CLIENTS.NOT_FOUND' });
  });

  it('reports bad input on its field, and an anonymous caller as UNAUTHENTICATED', async () => {
    const adminScope = await graphql(CREATE, { name: 'catalog', scopes: ['catalog:write'] }, bob.token);
    const anonymous = await graphql(CREATE, { name: 'nobody', scopes: ['orders:read'] });

    expect(adminScope.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errorCode: 'OAUTH_CLIENTS.INVALID_INPUT',
      fieldViolations: [{ field: 'scopes[0]', description: 'must be a scope you can grant: orders:read, orders:write' }],
    });
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
