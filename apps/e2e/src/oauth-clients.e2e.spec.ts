import { status } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME, type OrdersServiceClient } from '@triad/contracts/orders/v1';
import { grpcClientOptions } from '@triad/platform';
import { bearer, clientCredentialsRequest, DEMO_ACCOUNTS, freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A user registers an OAuth client for a script of theirs over REST; the script gets tokens with client credentials
// at the REST edge's token endpoint and calls each API style with them, limited to the scopes the user chose.
let system: RunningSystem;
let dataDir: string;
let edge: string;
let ordersClient: ClientGrpcProxy;
let orders: OrdersServiceClient;
/** Bob's own access token, from signing in with his password: the only kind that manages his clients. */
let bobToken: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  const ports = await freeSystemPorts();
  edge = `http://127.0.0.1:${ports.rest}`;
  system = await startSystem({ ports, dataDir, env: { NODE_ENV: 'test', AUTH_ISSUER: `${edge}/oidc` } });
  ordersClient = new ClientGrpcProxy(
    grpcClientOptions({ name: 'orders', package: TRIAD_ORDERS_V1_PACKAGE_NAME, address: system.urls.ordersGrpc, deadlineMs: 10_000 })
      .options as never,
  );
  orders = (ordersClient as ClientGrpc).getService<OrdersServiceClient>(ORDERS_SERVICE_NAME);
  const signedIn = await rest('POST', '/v1/auth/token', undefined, DEMO_ACCOUNTS.bob);
  expect(signedIn.status).toBe(200);
  bobToken = signedIn.body['access_token'] as string;
});

afterAll(async () => {
  ordersClient?.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function rest(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${edge}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': randomUUID() }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function graphql(token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(system.urls.gateway, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any> | null; errors?: { extensions?: Record<string, unknown> }[] };
}

async function register(name: string, scopes: string[]): Promise<{ clientId: string; clientSecret: string; tokenEndpoint: string }> {
  const created = await rest('POST', '/v1/oauth-clients', bobToken, { name, scopes });
  expect(created.status).toBe(201);
  return {
    clientId: created.body['client_id'],
    clientSecret: created.body['client_secret'],
    tokenEndpoint: created.body['token_endpoint'],
  };
}

async function clientToken(client: { clientId: string; clientSecret: string }) {
  const tokens = await clientCredentialsRequest(`${edge}/oidc/token`, client);
  expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
  return tokens.body;
}

async function productInStock(): Promise<string> {
  const { products } = (await (await fetch(`${edge}/v1/products?page_size=50`)).json()) as {
    products: { id: string; stock_on_hand: number }[];
  };
  const product = products.find((candidate) => candidate.stock_on_hand >= 20);
  if (!product) throw new Error('no demo product has 20 units in stock');
  return product.id;
}

describe('an OAuth client a user registered for a script', () => {
  it("reads the user's orders over REST, GraphQL and gRPC with a client-credentials token", async () => {
    const placed = await rest('POST', '/v1/orders', bobToken, { items: [{ product_id: await productInStock(), quantity: 1 }] });
    expect(placed.status).toBe(201);
    const orderId = placed.body['id'] as string;
    const client = await register('order report', ['orders:read']);
    expect(client.tokenEndpoint).toBe(`${edge}/oidc/token`);

    const token = await clientToken(client);

    expect(token).toMatchObject({ token_type: 'Bearer', scope: 'orders:read', expires_in: 300 });
    const viaRest = await rest('GET', `/v1/orders/${orderId}`, token.access_token);
    expect(viaRest).toMatchObject({ status: 200, body: { id: orderId } });
    const viaGraphQL = await graphql(token.access_token, '{ me { orders(first: 5) { nodes { id } } } }');
    expect(viaGraphQL.data?.['me'].orders.nodes.map((order: { id: string }) => order.id)).toContain(orderId);
    const viaGrpc = await firstValueFrom(orders.getOrder({ id: orderId }, bearer(token.access_token)));
    expect(viaGrpc.order?.id).toBe(orderId);
  });

  it('may do only what its scopes allow, on every edge, and cannot manage clients or keys', async () => {
    const token = (await clientToken(await register('read only', ['orders:read']))).access_token;
    const productId = await productInStock();

    const viaRest = await rest('POST', '/v1/orders', token, { items: [{ product_id: productId, quantity: 1 }] });
    const viaGraphQL = await graphql(token, 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }', {
      input: { idempotencyKey: randomUUID(), items: [{ productId, quantity: 1 }] },
    });
    const viaGrpc = await firstValueFrom(
      orders.placeOrder(
        {
          userId: (await rest('GET', '/v1/users/me', token)).body['id'],
          idempotencyKey: randomUUID(),
          lines: [{ productId, quantity: 1 }],
        },
        bearer(token),
      ),
    ).catch((error: { code: number }) => error);

    expect(viaRest).toMatchObject({ status: 403, body: { code: 'AUTH.SCOPE_MISSING' } });
    expect(viaGraphQL.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', errorCode: 'AUTH.SCOPE_MISSING' });
    expect(viaGrpc).toMatchObject({ code: status.PERMISSION_DENIED });
    expect(await rest('POST', '/v1/oauth-clients', token, { name: 'successor', scopes: ['orders:read'] })).toMatchObject({
      status: 403,
      body: { code: 'AUTH.USER_ONLY' },
    });
    expect((await rest('POST', '/v1/api-keys', token, { name: 'escalation' })).status).toBe(403);
  });

  it('gets no new token once revoked, and its last token ends within five minutes', async () => {
    const client = await register('old laptop', ['orders:read', 'orders:write']);
    const last = await clientToken(client);

    const revoked = await rest('DELETE', `/v1/oauth-clients/${client.clientId}`, bobToken);
    const refused = await clientCredentialsRequest(`${edge}/oidc/token`, client);

    expect(revoked.status).toBe(204);
    expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // An access token is checked by each process on its own, so it lives out its short life: at most 5 minutes.
    const claims = JSON.parse(Buffer.from(last.access_token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
    expect((await rest('GET', '/v1/oauth-clients', bobToken)).body['oauth_clients']).not.toContainEqual(
      expect.objectContaining({ client_id: client.clientId }),
    );
  });
});
