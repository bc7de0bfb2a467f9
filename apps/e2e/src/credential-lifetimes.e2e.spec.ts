import { status } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions, UserTokenSigner, type PrivateSigningJwk } from '@triad/platform';
import {
  authorizeWithPkce,
  bearer,
  DEMO_ACCOUNTS,
  discover,
  exchangeCode,
  freeSystemPorts,
  startSystem,
  tokenRequest,
  type Discovery,
  type RunningSystem,
} from '@triad/testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each kind of credential, through each edge it opens, ends as the README ("Which way in?", "Security model")
// says: an expired token everywhere at once; a revoked API key, refresh token or browser session at once.
let system: RunningSystem;
let dataDir: string;
let issuer: string;
let discovery: Discovery;
let restBase: string;
let gatewayBase: string;
let usersClient: ClientGrpcProxy;
let users: UsersServiceClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-lifetimes-'));
  const ports = await freeSystemPorts();
  issuer = `http://127.0.0.1:${ports.rest}/oidc`;
  system = await startSystem({ ports, dataDir, env: { NODE_ENV: 'test', AUTH_ISSUER: issuer } });
  restBase = `http://127.0.0.1:${ports.rest}`;
  gatewayBase = `http://127.0.0.1:${ports.gateway}`;
  discovery = await discover(issuer);
  usersClient = new ClientGrpcProxy(
    grpcClientOptions({ name: 'users', package: TRIAD_USERS_V1_PACKAGE_NAME, address: system.urls.usersGrpc, deadlineMs: 10_000 })
      .options as never,
  );
  users = (usersClient as ClientGrpc).getService<UsersServiceClient>(USERS_SERVICE_NAME);
});

afterAll(async () => {
  usersClient?.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const restUrl = (path: string) => `${restBase}${path}`;

async function rest(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const response = await fetch(restUrl(path), {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
}

async function graphql(headers: Record<string, string>, query = '{ me { email } }') {
  const response = await fetch(`${gatewayBase}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: { extensions?: any }[] } };
}

const grpcMe = (token: string, userId: string) =>
  firstValueFrom(users.getUser({ id: userId }, bearer(token))).then(
    (answer) => ({ code: status.OK, email: answer.user?.email }),
    (error: { code: number }) => ({ code: error.code, email: undefined }),
  );

async function passwordToken(account = DEMO_ACCOUNTS.alice): Promise<{ token: string; userId: string }> {
  const { status: code, body } = await rest('POST', '/v1/auth/token', {}, { email: account.email, password: account.password });
  expect(code).toBe(200);
  const me = await rest('GET', '/v1/users/me', { authorization: `Bearer ${body['access_token']}` });
  return { token: body['access_token'], userId: me.body['id'] };
}

/** users-service's development signing key, which `npm start` keeps in its data folder. */
function developmentSigningKeys(): PrivateSigningJwk[] {
  const folder = readdirSync(dataDir, { recursive: true, withFileTypes: true }).find((entry) => entry.name === 'signing-keys.json');
  if (!folder) throw new Error(`no signing-keys.json under ${dataDir}`);
  return (JSON.parse(readFileSync(join(folder.parentPath, folder.name), 'utf8')) as { keys: PrivateSigningJwk[] }).keys;
}

describe('bearer tokens from a password sign-in', () => {
  it('work on every edge until they expire, and on none after, though signed with the real key', async () => {
    const { token, userId } = await passwordToken();
    expect((await rest('GET', '/v1/users/me', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await graphql({ authorization: `Bearer ${token}` })).body.data).toEqual({ me: { email: 'alice@triad.dev' } });
    expect(await grpcMe(token, userId)).toEqual({ code: status.OK, email: 'alice@triad.dev' });

    // The same user and key, issued ten minutes ago for five: expired five minutes ago.
    const signer = await UserTokenSigner.create(developmentSigningKeys(), issuer);
    const expired = (await signer.sign({ userId, role: 'customer' }, 300, new Date(Date.now() - 600_000))).token;
    expect((await rest('GET', '/v1/users/me', { authorization: `Bearer ${expired}` })).status).toBe(401);
    const overGraphQL = await graphql({ authorization: `Bearer ${expired}` });
    expect(overGraphQL.status).toBe(401);
    expect(overGraphQL.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await grpcMe(expired, userId)).code).toBe(status.UNAUTHENTICATED);
  });
});

describe('API keys', () => {
  it('work until revoked, and not one request after', async () => {
    const { token } = await passwordToken();
    const created = await rest('POST', '/v1/api-keys', { authorization: `Bearer ${token}` }, { name: 'lifetime check' });
    expect(created.status).toBe(201);
    const key = { 'x-api-key': created.body['secret'] as string };
    expect((await rest('GET', '/v1/users/me', key)).status).toBe(200);

    expect((await rest('POST', `/v1/api-keys/${created.body['id']}:revoke`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await rest('GET', '/v1/users/me', key)).status).toBe(401);
  });
});

describe('OAuth 2.0 tokens of a tool signed in with authorization code and PKCE', () => {
  it('lose their refresh token at once when the tool revokes it', async () => {
    const tokens = await exchangeCode(
      discovery,
      await authorizeWithPkce(discovery, DEMO_ACCOUNTS.alice, { scope: 'orders:read offline_access' }),
    );
    expect(tokens.status).toBe(200);
    const refreshToken = tokens.body['refresh_token'] as string;
    expect(refreshToken).toBeTruthy();

    const revoked = await fetch(discovery.revocation_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'triad-cli' }),
    });
    expect(revoked.status).toBe(200);
    const refreshed = await tokenRequest(discovery, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'triad-cli' });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body['error']).toBe('invalid_grant');
  });
});

describe('browser sessions at the gateway', () => {
  async function signIn(): Promise<string> {
    const response = await fetch(`${gatewayBase}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO_ACCOUNTS.alice),
    });
    expect(response.status).toBe(200);
    return (response.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  }

  /** Whether a subscription opened with the cookie on the upgrade is accepted (true) or refused (its error code). */
  async function subscriptionWith(cookie: string): Promise<true | string> {
    const client = createClient({
      url: `${gatewayBase.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie } });
        }
      },
      retryAttempts: 0,
    });
    try {
      return await new Promise<true | string>((resolve) => {
        const query = 'subscription { orderStatusChanged(orderId: "00000000-0000-7000-8000-000000000000") { status } }';
        client.subscribe(
          { query },
          {
            next: (result) => resolve(result.errors ? String(result.errors[0]?.extensions?.['code']) : true),
            error: (error) =>
              resolve(Array.isArray(error) ? String((error[0] as { extensions?: { code?: string } }).extensions?.code) : 'closed'),
            complete: () => resolve(true),
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  it('end at once on sign-out, over HTTP and for new subscriptions, on the copy of the cookie too', async () => {
    const cookie = await signIn();
    expect((await graphql({ cookie })).body.data).toEqual({ me: { email: 'alice@triad.dev' } });
    // Alice may not watch an order that is not hers: the gateway knew who she was.
    expect(await subscriptionWith(cookie)).toMatch(/NOT_FOUND|FORBIDDEN/);

    const signedOut = await fetch(`${gatewayBase}/session`, { method: 'DELETE', headers: { cookie } });
    expect(signedOut.status).toBe(204);
    expect((await graphql({ cookie })).status).toBe(401);
    expect(await subscriptionWith(cookie)).toBe('UNAUTHENTICATED');
  });
});
