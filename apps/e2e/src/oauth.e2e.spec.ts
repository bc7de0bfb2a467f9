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
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A command-line tool, as a user would write one: it signs the user in with authorization code and PKCE through
// a loopback redirect (users-service's authorization server), then calls each API style with the token.
let system: RunningSystem;
let dataDir: string;
let issuer: string;
let discovery: Discovery;
let ordersClient: ClientGrpcProxy;
let orders: OrdersServiceClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  const ports = await freeSystemPorts();
  // As compose and Kubernetes run it: the issuer is the authorization server at the REST edge's address.
  issuer = `http://127.0.0.1:${ports.rest}/oidc`;
  system = await startSystem({ ports, dataDir, env: { NODE_ENV: 'test', AUTH_ISSUER: issuer } });
  discovery = await discover(issuer);
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
  const tool = spawn(process.execPath, ['tools/oauth-login.mjs', '--issuer', issuer, ...args], {
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

/** A request with headers fetch would not send as given (Host, Expect), over a plain socket. */
function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function rawGet(port: number, path: string, headers: Record<string, string>): Promise<string> {
  return (await rawRequest(port, 'GET', path, headers)).body;
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
  it('publishes, signs in and issues tokens there', async () => {
    const edge = `http://127.0.0.1:${system.ports.rest}`;
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${edge}/oidc/auth`,
      token_endpoint: `${edge}/oidc/token`,
      jwks_uri: `${edge}/oidc/.well-known/jwks.json`,
    });

    const tokens = await exchangeCode(discovery, await authorizeWithPkce(discovery, DEMO_ACCOUNTS.carol, { scope: 'openid orders:read' }));

    expect(tokens.status).toBe(200);
    expect((await rest('GET', '/v1/orders', tokens.body.access_token)).status).toBe(200);
  });

  it('lists the public addresses whatever Host or forwarding headers a request carries, at the edge or behind it', async () => {
    const forged = { host: 'attacker.example', 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' };
    const viaEdge = await rawGet(system.ports.rest, '/oidc/.well-known/openid-configuration', forged);
    const direct = await rawGet(system.ports.usersHttp, '/oidc/.well-known/openid-configuration', forged);

    expect(JSON.parse(viaEdge).token_endpoint).toBe(discovery.token_endpoint);
    expect(JSON.parse(direct).token_endpoint).toBe(discovery.token_endpoint);
  });

  it('answers a token request sent with Expect: 100-continue', async () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: 'triad-cli' }).toString();
    const response = await rawRequest(
      system.ports.rest,
      'POST',
      '/oidc/token',
      {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
        expect: '100-continue',
      },
      body,
    );

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_grant' });
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

    // An admin's scopes reach the admin's own orders only: someone else's stays out of sight, and untouchable.
    const placed = await rest('POST', '/v1/orders', customer.access_token, {
      items: [{ product_id: await productInStock(), quantity: 1 }],
    });
    const adminReader = await signIn(DEMO_ACCOUNTS.admin, 'openid orders:read orders:write');
    expect((await rest('GET', `/v1/orders/${placed.body['id']}`, adminReader.access_token)).status).toBe(404);
    expect((await rest('POST', `/v1/orders/${placed.body['id']}:cancel`, adminReader.access_token, {})).status).toBe(404);
  });
});
