import type { RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../gateway.config.js';
import { postGraphQL, startTestGateway, subscribe } from '../testing/gateway-client.js';
import { startGraphServices, type GraphServices } from '../testing/graph-services.js';

const BODY_LIMIT = 2048;

/** What a client sees when an operation breaks a limit: HTTP 400 and one error with a stable code. */
function refusal(errorCode: string, message: string) {
  return { status: 400, body: { errors: [{ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', errorCode } }] } };
}

describe('protection', () => {
  let services: GraphServices;
  let gateway: RunningService;
  let alice: string;
  let lamp: string;
  let requests = 0;
  /** The id the gateway gave the last request `post` sent, to ask the services whether they served it. */
  let requestId = '';

  const post = async (body: object, headers: Record<string, string> = { authorization: `Bearer ${alice}` }) => {
    requestId = `protection-${++requests}`;
    const { status, body: response } = await postGraphQL(gateway, body, { ...headers, 'x-request-id': requestId });
    return { status, body: response };
  };
  /** The services that served a subgraph request for the gateway request with this id. */
  const servedBy = async (id: string) => (await services.requestsServed(id)).map(({ service }) => service);

  beforeAll(async () => {
    services = await startGraphServices('catalog-service');
    gateway = await startTestGateway({ ...services.gatewayEnv, GRAPHQL_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
    alice = services.accounts.alice.token;
    lamp = await services.addProduct('Desk lamp');
  });
  afterAll(async () => {
    await gateway?.close();
    await services?.stop();
  });

  it('answers ordinary operations that keep to every limit', async () => {
    const aliases = Array.from({ length: 14 }, (_, index) => `n${index}: name`).join(' ');

    expect(await post({ query: `{ me { name ${aliases} } product(id: "${lamp}") { name } }` })).toEqual({
      status: 200,
      body: {
        data: {
          me: { name: 'Alice Customer', ...Object.fromEntries(Array.from({ length: 14 }, (_, index) => [`n${index}`, 'Alice Customer'])) },
          product: { name: 'Desk lamp' },
        },
      },
    });
  });

  it('refuses an operation nested deeper than GRAPHQL_MAX_DEPTH before calling any subgraph', async () => {
    const query = '{ me { orders { nodes { user { orders { nodes { user { orders { nodes { user { id } } } } } } } } } } }';

    expect(await post({ query })).toEqual(
      refusal('GATEWAY.MAX_DEPTH_EXCEEDED', 'The operation nests fields 11 levels deep; the limit is 10: ask for fewer nested levels.'),
    );
    expect(await servedBy(requestId)).toEqual([]);
  });

  it('refuses an operation over GRAPHQL_MAX_COST, counting the page sizes its variables ask for', async () => {
    const query = 'query ($n: Int) { products(first: $n) { nodes { id name sku inStock } } }';

    expect(await post({ query, variables: { n: 20 } })).toEqual({
      status: 200,
      body: { data: { products: { nodes: [{ id: lamp, name: 'Desk lamp', sku: expect.any(String), inStock: true }] } } },
    });
    expect(await servedBy(requestId)).toEqual(['catalog-service']);
    expect(await post({ query, variables: { n: 1000 } })).toEqual(
      refusal(
        'GATEWAY.MAX_COST_EXCEEDED',
        "The operation's cost is 6000; the limit is 5000. Each field costs 1 and a page of `first: n` costs n times what it selects: " +
          'ask for smaller pages or fewer fields.',
      ),
    );
    expect(await servedBy(requestId)).toEqual([]);
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
    const aliases = Array.from({ length: 16 }, (_, index) => `n${index}: name`).join(' ');

    expect(await post({ query: `{ me { ${aliases} } }` })).toEqual(
      refusal('GATEWAY.MAX_ALIASES_EXCEEDED', 'The operation uses 16 aliases; the limit is 15.'),
    );
  });

  it('refuses a second login or signUp in one operation, so each request tries one password', async () => {
    const query =
      'mutation { a: login(email: "a@triad.dev", password: "one") { accessToken } b: login(email: "a@triad.dev", password: "two") { accessToken } }';

    expect(await post({ query }, {})).toEqual(
      refusal(
        'GATEWAY.ONE_SIGN_IN_PER_OPERATION',
        'The operation calls login or signUp 2 times; the limit is 1 per operation: send each in its own request.',
      ),
    );
    expect(await servedBy(requestId)).toEqual([]);
  });

  it('refuses a request body over GRAPHQL_BODY_LIMIT_BYTES with a GraphQL error that names the limit', async () => {
    const padding = ' '.repeat(BODY_LIMIT);

    expect(await post({ query: `{ me { name } ${padding}}` })).toEqual({
      status: 413,
      body: {
        errors: [
          {
            message: `The request body is larger than the ${BODY_LIMIT} bytes this server accepts: send a smaller request.`,
            extensions: { code: 'BAD_REQUEST', errorCode: 'GATEWAY.BODY_TOO_LARGE' },
          },
        ],
      },
    });
  });

  it('closes a WebSocket that sends a message over the same limit', async () => {
    const watch = subscribe(
      gateway,
      { query: `subscription { orderStatusChanged(orderId: "x") { status } ${' '.repeat(BODY_LIMIT)}}` },
      { token: alice },
    );

    expect(await watch.ended).toEqual({ closed: true });
    await watch.close();
  });

  it('serves introspection, Subscription included, unless GRAPHQL_INTROSPECTION is false', async () => {
    const query = '{ __schema { subscriptionType { fields { name } } } }';

    expect((await post({ query })).body).toEqual({
      data: { __schema: { subscriptionType: { fields: [{ name: 'orderStatusChanged' }] } } },
    });

    const closed = await startTestGateway({ ...services.gatewayEnv, GRAPHQL_IDE: 'false', GRAPHQL_INTROSPECTION: 'false' });
    try {
      const { status, body } = await postGraphQL(closed, { query });
      expect(status).toBe(400);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    } finally {
      await closed.close();
    }
  });
});

describe('GRAPHQL_INTROSPECTION', () => {
  const production = { NODE_ENV: 'production', SERVICE_CLIENT_SECRET: 'a-gateway-client-secret-for-the-spec' };

  it('is off in production, unless the IDE, which needs it, is on', () => {
    expect(loadGatewayConfig(production).GRAPHQL_INTROSPECTION).toBe(false);
    expect(loadGatewayConfig({ ...production, GRAPHQL_IDE: 'true' }).GRAPHQL_INTROSPECTION).toBe(true);
  });

  it('cannot be turned off under the IDE', () => {
    expect(() => loadGatewayConfig({ GRAPHQL_IDE: 'true', GRAPHQL_INTROSPECTION: 'false' })).toThrow(
      'Invalid configuration: GRAPHQL_IDE=true needs introspection, which GRAPHQL_INTROSPECTION turns off: set GRAPHQL_IDE=false, or leave GRAPHQL_INTROSPECTION unset.',
    );
  });
});
