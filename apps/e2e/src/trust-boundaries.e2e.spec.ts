import { Metadata, status } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME, type CatalogServiceClient } from '@triad/contracts/catalog/v1';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions, SERVICE_TOKEN_METADATA_KEY } from '@triad/platform';
import { bearer, freeSystemPorts, serviceToken, startSystem, type RunningSystem } from '@triad/testing';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSecrets } from './secrets-in-logs.global-setup.js';

let system: RunningSystem;
let dataDir: string;
let rest: string;
let gateway: string;
const clients: ClientGrpcProxy[] = [];
let users: UsersServiceClient;
let catalog: CatalogServiceClient;

function grpcClient<T extends object>(name: string, protoPackage: string, service: string, port: number): T {
  const client = new ClientGrpcProxy(
    grpcClientOptions({ name, package: protoPackage, address: `127.0.0.1:${port}`, deadlineMs: 10_000 }).options as never,
  );
  clients.push(client);
  return (client as ClientGrpc).getService<T>(service);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  const ports = await freeSystemPorts();
  // Debug level, so the check for secrets in logs sees more than a production system would write.
  system = await startSystem({ ports, dataDir, env: { LOG_LEVEL: 'debug', NODE_ENV: 'test' } });
  rest = `http://127.0.0.1:${ports.rest}`;
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
  users = grpcClient('users', TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, ports.usersGrpc);
  catalog = grpcClient('catalog', TRIAD_CATALOG_V1_PACKAGE_NAME, CATALOG_SERVICE_NAME, ports.catalogGrpc);
});

afterAll(async () => {
  for (const client of clients) client.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const grpcError = (call: Observable<unknown>) =>
  firstValueFrom(call).then(
    () => ({ code: status.OK, details: '' }),
    (error: { code: number; details: string }) => error,
  );

async function restCall(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${rest}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] } };
}

async function restToken(email: string, password: string): Promise<string> {
  const { status: code, body } = await restCall('POST', '/v1/auth/token', { email, password });
  expect(code).toBe(200);
  return body['access_token'];
}

async function aProduct(): Promise<{ id: string; stock_on_hand: number }> {
  const { body } = await restCall('GET', '/v1/products?page_size=1');
  return body['products'][0];
}

describe('stock can be held and returned only by orders-service', () => {
  it('refuses ReserveStock and ReleaseStock from anyone else on the catalog gRPC port, and moves no stock', async () => {
    const product = await aProduct();
    const admin = await restToken('admin@triad.dev', 'admin-password');
    const customer = await restToken('carol@triad.dev', 'carol-password');
    const asService = (token: string) => {
      const metadata = new Metadata();
      metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${token}`);
      return metadata;
    };
    // The REST edge is a real service of this system, but not one granted catalog:stock.
    const restApiToken = await serviceToken(system, 'rest-api', 'users-service');
    const callers: [string, Metadata, number][] = [
      ['nobody', new Metadata(), status.UNAUTHENTICATED],
      ['a customer', bearer(customer), status.UNAUTHENTICATED],
      ['an admin', bearer(admin), status.UNAUTHENTICATED],
      ["an admin's token as a service token", asService(admin), status.UNAUTHENTICATED],
      ["the REST edge's token, meant for users-service", asService(restApiToken), status.UNAUTHENTICATED],
    ];
    for (const [who, metadata, expected] of callers) {
      const reservationId = randomUUID();
      const reserved = await grpcError(catalog.reserveStock({ reservationId, lines: [{ productId: product.id, quantity: 1 }] }, metadata));
      expect(reserved.code, who).toBe(expected);
      const released = await grpcError(catalog.releaseStock({ reservationId }, metadata));
      expect(released.code, who).toBe(expected);
    }
    expect((await restCall('GET', `/v1/products/${product.id}`)).body['stock_on_hand']).toBe(product.stock_on_hand);
  });

  it('refuses a token signed with the old shared development secret, everywhere', async () => {
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(randomUUID())
      .setIssuer('triad-users-service')
      .setAudience('triad')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('triad-development-secret-do-not-use-in-production'));
    expect((await restCall('GET', '/v1/users', undefined, { authorization: `Bearer ${forged}` })).status).toBe(401);
    expect((await graphql('{ users { nodes { id } } }', {}, forged)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await grpcError(users.listUsers({ pageSize: 1, pageToken: '' }, bearer(forged)))).code).toBe(status.UNAUTHENTICATED);
  });

  it('still places an order for a customer: orders-service proves who it is to catalog-service on its own', async () => {
    const product = await aProduct();
    const token = await restToken('alice@triad.dev', 'alice-password');
    const placed = await restCall(
      'POST',
      '/v1/orders',
      { items: [{ product_id: product.id, quantity: 1 }] },
      {
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
      },
    );
    expect(placed.status).toBe(201);
    expect((await restCall('GET', `/v1/products/${product.id}`)).body['stock_on_hand']).toBe(product.stock_on_hand - 1);
  });

  it("acts for an API key's owner through a token users-service issued, not one the edge signed", async () => {
    const token = await restToken('alice@triad.dev', 'alice-password');
    const key = await restCall('POST', '/v1/api-keys', { name: 'e2e key' }, { authorization: `Bearer ${token}` });
    expect(key.status).toBe(201);
    const me = await restCall('GET', '/v1/users/me', undefined, { 'x-api-key': key.body['secret'] });
    expect(me.status).toBe(200);
    expect(me.body['email']).toBe('alice@triad.dev');
  });
});

describe('sign-in under attack', () => {
  it('makes an account wait after a few wrong passwords, on every edge, whatever token the attacker sends', async () => {
    const attackerToken = await restToken('carol@triad.dev', 'carol-password');
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const wrong = await restCall(
        'POST',
        '/v1/auth/token',
        { email: 'bob@triad.dev', password: `guess-${attempt}` },
        {
          authorization: `Bearer ${attackerToken}`,
        },
      );
      expect(wrong.status).toBe(401);
    }

    const overRest = await restCall('POST', '/v1/auth/token', { email: 'bob@triad.dev', password: 'bob-password' });
    expect(overRest.status).toBe(429);
    expect(Number(overRest.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(overRest.body['code']).toBe('AUTH.TOO_MANY_SIGN_IN_ATTEMPTS');

    const overGraphQL = await graphql('mutation { login(email: "bob@triad.dev", password: "bob-password") { accessToken } }');
    expect(overGraphQL.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', errorCode: 'AUTH.TOO_MANY_SIGN_IN_ATTEMPTS' });

    const overGrpc = await grpcError(users.authenticate({ email: 'bob@triad.dev', password: 'bob-password' }));
    expect(overGrpc.code).toBe(status.RESOURCE_EXHAUSTED);
  });

  it('refuses a common password on sign-up and says which rule it breaks', async () => {
    const signUp = await graphql('mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }', {
      input: { email: `weak-${randomUUID()}@example.com`, name: 'Weak', password: 'password123' },
    });
    expect(signUp.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(signUp.body.errors?.[0]?.extensions?.fieldViolations?.[0]?.description).toMatch(/too easy to guess/);
  });
});

describe('hostile values reach no database as a crash', () => {
  it('answers a NUL byte in a search term with a 4xx on all three edges', async () => {
    const overRest = await restCall('GET', `/v1/products?search=${encodeURIComponent('lamp\u0000')}`);
    expect(overRest.status).toBe(400);
    expect(overRest.headers.get('content-type')).toMatch(/problem\+json/);
    const overGraphQL = await graphql('query ($q: String) { products(search: $q) { nodes { id } } }', { q: 'lamp\u0000' });
    expect(overGraphQL.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const overGrpc = await grpcError(catalog.listProducts({ pageSize: 1, pageToken: '', query: 'lamp\u0000' }));
    expect(overGrpc.code).toBe(status.INVALID_ARGUMENT);
  });

  it('answers a NUL byte in a sign-up with a 4xx naming the field, and creates nobody', async () => {
    const email = `nul-${randomUUID()}@example.com`;
    const created = await restCall('POST', '/v1/users', { email, name: 'Nul\u0000Person', password: 'quiet-harbour-lantern' });
    expect(created.status).toBe(400);
    expect(created.body['errors'].map((error: { field: string }) => error.field)).toContain('name');
    expect(
      (await graphql(`mutation { login(email: "${email}", password: "quiet-harbour-lantern") { accessToken } }`)).body.errors?.[0]
        ?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses a stock level beyond 32 bits instead of storing it wrapped', async () => {
    const admin = await restToken('admin@triad.dev', 'admin-password');
    const sku = `HUGE-${randomUUID().slice(0, 8)}`;
    const created = await restCall(
      'POST',
      '/v1/products',
      { sku, name: 'Huge', price: { amount_minor: 100, currency_code: 'USD' }, stock_on_hand: -2147483649 },
      { authorization: `Bearer ${admin}` },
    );
    expect(created.status).toBe(400);
    expect(created.body['errors']).toEqual([{ field: 'stock_on_hand', description: expect.stringMatching(/whole number from/) }]);
    expect((await restCall('GET', `/v1/products?search=${sku}`)).body['products']).toEqual([]);
  });

  it('does not echo a 100 KB id back in a gRPC error', async () => {
    const error = await grpcError(catalog.getProduct({ id: 'x'.repeat(100_000) }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details.length).toBeLessThan(300);
  });
});

describe('the check for secrets in logs', () => {
  it('finds each kind of secret it looks for', () => {
    const token = `eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.${'s'.repeat(40)}`;
    expect(findSecrets(`{"msg":"grpc call","authorization":"${token}"}`)).toHaveLength(1);
    expect(findSecrets(`{"params":"alice@triad.dev,scrypt$32768$8$1$abc$def"}`)).toHaveLength(1);
    expect(findSecrets(`{"key":"triad_0123abcd_${'A'.repeat(43)}"}`)).toHaveLength(1);
    expect(findSecrets(`{"cookie":"triad_session=triad_ss_${'A'.repeat(43)}"}`)).toHaveLength(1);
    expect(findSecrets('{"msg":"login","password":"alice-password"}')).toHaveLength(1);
    expect(findSecrets('{"msg":"grpc call","method":"UsersGrpcController.authenticate","outcome":"ok"}')).toEqual([]);
    expect(findSecrets('{"msg":"token refused","secret":"Zq3-random-client-secret"}', ['Zq3-random-client-secret'])).toHaveLength(1);
  });
});
