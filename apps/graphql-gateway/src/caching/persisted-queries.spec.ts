import { createHash } from 'node:crypto';
import type { RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestGateway, type GraphQLResponse } from '../testing/gateway-client.js';
import { startGraphServices, type GraphServices } from '../testing/graph-services.js';

/** The `extensions` of an automatic persisted query: the query's SHA-256, instead of or beside its text. */
function persisted(query: string) {
  return { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
}

const NOT_FOUND = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

describe('automatic persisted queries', () => {
  let services: GraphServices;
  let gateway: RunningService;
  /** The ids the catalog gave the products the queries ask for. */
  let lamp: string;
  let chair: string;

  /**
   * A GET as a CDN-fronted client sends it: the operation in the URL. Apollo's CSRF prevention wants a header
   * a browser cannot send cross-site without a preflight, such as `apollo-require-preflight`.
   */
  async function get(parameters: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
    const search = new URLSearchParams(
      Object.entries(parameters).map(([name, value]): [string, string] => [
        name,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]),
    );
    const response = await fetch(`${gateway.httpUrl}/graphql?${search}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
  }

  beforeAll(async () => {
    services = await startGraphServices('catalog-service');
    gateway = await startTestGateway(services.gatewayEnv);
    [lamp, chair] = await Promise.all([services.addProduct('Desk lamp'), services.addProduct('Office chair')]);
  });
  afterAll(async () => {
    await gateway?.close();
    await services?.stop();
  });

  it('answers PERSISTED_QUERY_NOT_FOUND for a hash it has not seen, so the client sends the query once', async () => {
    const query = `{ product(id: "${lamp}") { name } }`;

    const { status, body } = await postGraphQL(gateway, { extensions: persisted(query) });

    expect(status).toBe(200);
    expect(body).toEqual(NOT_FOUND);
  });

  it('refuses a query sent with a hash that is not its own with a 400 that says what to send, and stores nothing', async () => {
    const query = `{ product(id: "${lamp}") { name } }`;
    const other = `{ product(id: "${chair}") { name } }`;

    const { status, body } = await postGraphQL(gateway, { query, extensions: persisted(other) });

    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message:
            'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query: send the hex SHA-256 of the query text exactly as sent.',
          extensions: { code: 'BAD_REQUEST', errorCode: 'GATEWAY.PERSISTED_QUERY_HASH_MISMATCH' },
        },
      ],
    });
    expect((await postGraphQL(gateway, { extensions: persisted(other) })).body).toEqual(NOT_FOUND);
  });

  it('refuses a persisted-query protocol version other than 1 with a 400', async () => {
    const query = `{ product(id: "${lamp}") { name } }`;

    const { status, body } = await postGraphQL(gateway, {
      query,
      extensions: { persistedQuery: { ...persisted(query).persistedQuery, version: 2 } },
    });

    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [
        {
          message: 'Only version 1 of automatic persisted queries is supported: set extensions.persistedQuery.version to 1.',
          extensions: { code: 'BAD_REQUEST', errorCode: 'GATEWAY.PERSISTED_QUERY_VERSION_UNSUPPORTED' },
        },
      ],
    });
  });

  it('answers the hash alone, over POST and GET, once the query has been sent with it', async () => {
    const query = `{ product(id: "${chair}") { id name } }`;
    const answer = { data: { product: { id: chair, name: 'Office chair' } } };

    expect((await postGraphQL(gateway, { query, extensions: persisted(query) })).body).toEqual(answer);
    expect((await postGraphQL(gateway, { extensions: persisted(query) })).body).toEqual(answer);
    expect((await get({ extensions: persisted(query) })).body).toEqual(answer);
  });

  it('lets shared caches keep an anonymous GET answer, and no one keep a signed-in one', async () => {
    const query = `query Me { me { name } product(id: "${lamp}") { name } }`;
    await postGraphQL(gateway, { query, extensions: persisted(query) });

    const anonymous = await get({ operationName: 'Me', extensions: persisted(query) });
    const signedIn = await get(
      { operationName: 'Me', extensions: persisted(query) },
      { authorization: `Bearer ${services.accounts.alice.token}` },
    );

    expect(anonymous.body).toEqual({ data: { me: null, product: { name: 'Desk lamp' } } });
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=60');
    expect(anonymous.headers.get('vary')).toBe('Authorization, Cookie');
    expect(signedIn.body).toEqual({ data: { me: { name: 'Alice Customer' }, product: { name: 'Desk lamp' } } });
    expect(signedIn.headers.get('cache-control')).toBe('no-store');

    // Signed in by the web app's session cookie instead: just as private.
    const signIn = await fetch(`${gateway.httpUrl}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
    });
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const bySession = await get({ operationName: 'Me', extensions: persisted(query) }, { cookie });
    expect(bySession.body).toEqual({ data: { me: { name: 'Alice Customer' }, product: { name: 'Desk lamp' } } });
    expect(bySession.headers.get('cache-control')).toBe('no-store');
  });

  it('never lets a cache keep an error', async () => {
    const unknown = await get({ extensions: persisted('{ product(id: "never-sent") { name } }') });
    const failed = await get({ query: '{ users { nodes { id } } }' });

    expect(unknown.body).toEqual(NOT_FOUND);
    expect(unknown.headers.get('cache-control')).not.toMatch(/public/);
    expect(failed.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(failed.headers.get('cache-control')).toBe('no-store');
  });

  it('does not store a query that breaks a limit, so its hash stays unknown', async () => {
    const tooDeep = '{ me { orders { nodes { user { orders { nodes { user { orders { nodes { user { id } } } } } } } } } } }';

    const registration = await postGraphQL(gateway, { query: tooDeep, extensions: persisted(tooDeep) });

    expect(registration.body.errors?.[0]?.extensions?.['errorCode']).toBe('GATEWAY.MAX_DEPTH_EXCEEDED');
    expect((await postGraphQL(gateway, { extensions: persisted(tooDeep) })).body).toEqual(NOT_FOUND);
  });
});
