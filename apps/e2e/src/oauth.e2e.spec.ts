import { status } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME, type OrdersServiceClient } from '@triad/contracts/orders/v1';
import { grpcClientOptions } from '@triad/platform';
import {
  authorizeWithPkce,
  bearer,
  completeSignIn,
  DEMO_ACCOUNTS,
  discover,
  exchangeCode,
  freeSystemPorts,
  startSystem,
  tokenRequest,
  type Discovery,
  type RunningSystem,
} from '@triad/testing';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A command-line tool, as a user would write one: it signs the user in with authorization code and PKCE through
// a loopback redirect (users-service's authorization server), then calls each API style with the token.
let system: RunningSystem;
let dataDir: string;
let discovery: Discovery;
let ordersClient: ClientGrpcProxy;
let orders: OrdersServiceClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  system = await startSystem({ ports: await freeSystemPorts(), dataDir, env: { NODE_ENV: 'test' } });
  discovery = await discover(`${system.authServerUrl}/oidc`);
  ordersClient = new ClientGrpcProxy(
    grpcClientOptions({ name: 'orders', package: TRIAD_ORDERS_V1_PACKAGE_NAME, address: system.urls.ordersGrpc, deadlineMs: 10_000 })
      .options as never,
  );
  orders = (ordersClient as ClientGrpc).getService<OrdersServiceClient>(ORDERS_SERVICE_NAME);
});

afterAll(async () => {
  ordersClient?.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(account: { email: string; password: string }, scope: string) {
  const tokens = await exchangeCode(discovery, await authorizeWithPkce(discovery, account, { scope }));
  expect(tokens.status).toBe(200);
  return tokens.body;
}

/**
 * Runs tools/oauth-login.mjs as a user would, and plays the user's part in the browser with the address it
 * prints: resolves the tokens it prints.
 */
async function loginTool(account: { email: string; password: string }, args: string[]): Promise<Record<string, string>> {
  const tool = spawn(process.execPath, ['tools/oauth-login.mjs', '--issuer', `${system.authServerUrl}/oidc`, ...args], {
    cwd: join(import.meta.dirname, '../../..'),
  });
  let stdout = '';
  let stderr = '';
  tool.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const address = new Promise<string>((resolve) =>
    tool.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /^\s+(http\S+)$/m.exec(stderr)?.[1];
      if (url) resolve(url);
    }),
  );
  const exited = once(tool, 'exit');
  if (!args.includes('--refresh')) await completeSignIn(await address, account);
  const [code] = await exited;
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as Record<string, string>;
}

async function rest(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${system.ports.rest}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function graphql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(system.urls.gateway, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any> | null; errors?: { extensions?: Record<string, unknown> }[] };
}

async function productInStock(): Promise<string> {
  const { products } = (await (await fetch(`http://127.0.0.1:${system.ports.rest}/v1/products?page_size=50`)).json()) as {
    products: { id: string; stock_on_hand: number }[];
  };
  const product = products.find((candidate) => candidate.stock_on_hand >= 20);
  if (!product) throw new Error('no demo product has 20 units in stock');
  return product.id;
}

describe("the authorization server at the REST edge's public address", () => {
  it('publishes, signs in and issues tokens there, every address in it the public one', async () => {
    const edge = `http://127.0.0.1:${system.ports.rest}`;
    const publicDiscovery = await discover(`${edge}/oidc`);
    expect(publicDiscovery).toMatchObject({
      authorization_endpoint: `${edge}/oidc/auth`,
      token_endpoint: `${edge}/oidc/token`,
      jwks_uri: `${edge}/oidc/.well-known/jwks.json`,
    });

    const tokens = await exchangeCode(
      publicDiscovery,
      await authorizeWithPkce(publicDiscovery, DEMO_ACCOUNTS.carol, { scope: 'openid orders:read' }),
    );

    expect(tokens.status).toBe(200);
    expect((await rest('GET', '/v1/orders', tokens.body.access_token)).status).toBe(200);
  });

  it("passes on no forwarding header a client sends, and shows the sign-in page under the page's own policy", async () => {
    const edge = `http://127.0.0.1:${system.ports.rest}`;
    const forged = await fetch(`${edge}/oidc/.well-known/openid-configuration`, {
      headers: { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' },
    });
    expect(((await forged.json()) as Discovery).token_endpoint).toBe(`${edge}/oidc/token`);

    const publicDiscovery = await discover(`${edge}/oidc`);
    const tool = await authorizeWithPkce(publicDiscovery, DEMO_ACCOUNTS.carol, { scope: 'openid' });
    expect(tool.loginPage).toContain('<form method="post"');
  });
});

describe('a command-line tool signed in with OAuth 2.0', () => {
  it('orders over REST, reads it over GraphQL and gRPC, and keeps working after refreshing its token', async () => {
    const tokens = await loginTool(DEMO_ACCOUNTS.bob, ['--scope', 'orders:read orders:write']);
    const productId = await productInStock();

    const placed = await rest('POST', '/v1/orders', tokens['access_token']!, { items: [{ product_id: productId, quantity: 1 }] });
    expect(placed.status).toBe(201);
    const orderId = placed.body['id'] as string;

    const viaGraphQL = await graphql(tokens['access_token']!, '{ me { orders(first: 5) { nodes { id } } } }');
    expect(viaGraphQL.data?.['me'].orders.nodes.map((order: { id: string }) => order.id)).toContain(orderId);
    const viaGrpc = await firstValueFrom(orders.getOrder({ id: orderId }, bearer(tokens['access_token']!)));
    expect(viaGrpc.order?.id).toBe(orderId);

    const refreshed = await loginTool(DEMO_ACCOUNTS.bob, ['--refresh', tokens['refresh_token']!]);
    expect(refreshed['refresh_token']).not.toBe(tokens['refresh_token']);
    expect((await rest('GET', `/v1/orders/${orderId}`, refreshed['access_token']!)).status).toBe(200);
    // The refresh token it replaced, sent again: refused, and the new one with it (the whole grant is revoked).
    const refresh = (token: string) =>
      tokenRequest(discovery, { grant_type: 'refresh_token', refresh_token: token, client_id: 'triad-cli' });
    expect((await refresh(tokens['refresh_token']!)).body.error).toBe('invalid_grant');
    expect((await refresh(refreshed['refresh_token']!)).body.error).toBe('invalid_grant');
  });

  it('may do only what its scopes allow, on every edge', async () => {
    const readOnly = await signIn(DEMO_ACCOUNTS.bob, 'openid orders:read');
    const productId = await productInStock();

    const viaRest = await rest('POST', '/v1/orders', readOnly.access_token, { items: [{ product_id: productId, quantity: 1 }] });
    const viaGraphQL = await graphql(
      readOnly.access_token,
      'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }',
      { input: { idempotencyKey: randomUUID(), items: [{ productId, quantity: 1 }] } },
    );
    const viaGrpc = await firstValueFrom(
      orders.placeOrder(
        {
          userId: (await rest('GET', '/v1/users/me', readOnly.access_token)).body['id'],
          idempotencyKey: randomUUID(),
          lines: [{ productId, quantity: 1 }],
        },
        bearer(readOnly.access_token),
      ),
    ).catch((error: { code: number }) => error);

    expect(viaRest).toMatchObject({ status: 403, body: { code: 'AUTH.SCOPE_MISSING' } });
    expect(viaGraphQL.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', errorCode: 'AUTH.SCOPE_MISSING' });
    expect(viaGrpc).toMatchObject({ code: status.PERMISSION_DENIED });
    // Reading is what it was given.
    expect((await rest('GET', '/v1/orders', readOnly.access_token)).status).toBe(200);
  });

  it('cannot make itself more: no API key, and no admin power without the admin scope', async () => {
    const customer = await signIn(DEMO_ACCOUNTS.bob, 'openid orders:read orders:write');
    const admin = await signIn(DEMO_ACCOUNTS.admin, 'openid orders:read');
    const product = {
      sku: `OAUTH-${randomUUID().slice(0, 8)}`,
      name: 'Scoped',
      price: { amount_minor: 100, currency_code: 'USD' },
      stock_on_hand: 1,
    };

    expect(await rest('POST', '/v1/api-keys', customer.access_token, { name: 'escalation' })).toMatchObject({
      status: 403,
      body: { code: 'AUTH.USER_ONLY' },
    });
    expect(await rest('POST', '/v1/products', admin.access_token, product)).toMatchObject({
      status: 403,
      body: { code: 'AUTH.SCOPE_MISSING' },
    });

    const catalogAdmin = await signIn(DEMO_ACCOUNTS.admin, 'openid catalog:write');
    expect((await rest('POST', '/v1/products', catalogAdmin.access_token, product)).status).toBe(201);
  });
});
