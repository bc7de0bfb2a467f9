import { Metadata } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, UserRole, type UsersServiceClient } from '@triad/contracts/users/v1';
import {
  AccessTokens,
  createLogger,
  generateSigningKey,
  grpcClientOptions,
  SERVICE_TOKEN_METADATA_KEY,
  serviceAudience,
  TOKEN_ALGORITHM,
  type PrivateSigningJwk,
  type RunningService,
} from '@triad/platform';
import { call, failure, freePort } from '@triad/testing';
import { importJWK, SignJWT } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersService } from '../users-service.js';
import { writeKeysFile } from './signing-keys.loader.js';

const REST_SECRET = 'rest-api-test-client-secret-0123456789abcdef';
const ORDERS_SECRET = 'orders-service-test-client-secret-0123456789';
const ISSUER = 'http://localhost:4001/oidc';
const USERS_AUDIENCE = serviceAudience('users-service');

let folder: string;
let keysFile: string;
let firstKey: PrivateSigningJwk;
let ports: { grpc: number; http: number };
let service: RunningService;
let client: ClientGrpcProxy;
let users: UsersServiceClient;
/** A verifier in another process's place: it knows only users-service's address. */
let verifier: AccessTokens;

async function start(): Promise<void> {
  const config = usersService.loadConfig({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    USERS_GRPC_PORT: String(ports.grpc),
    USERS_HTTP_PORT: String(ports.http),
    DATA_DIR: 'memory://',
    AUTH_SIGNING_KEYS_FILE: keysFile,
    AUTH_ISSUER: ISSUER,
    REST_API_CLIENT_SECRET: REST_SECRET,
    ORDERS_SERVICE_CLIENT_SECRET: ORDERS_SECRET,
    GRAPHQL_GATEWAY_CLIENT_SECRET: 'graphql-gateway-test-client-secret-012345678',
  });
  service = await usersService.start(config, createLogger('users-service', 'silent'));
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'triad-keys-'));
  keysFile = join(folder, 'signing-keys.json');
  firstKey = await generateSigningKey();
  writeKeysFile(keysFile, [firstKey]);
  ports = { grpc: await freePort(), http: await freePort() };
  await start();
  verifier = new AccessTokens({ AUTH_ISSUER: ISSUER, AUTH_SERVER_URL: service.httpUrl });
  client = new ClientGrpcProxy(
    grpcClientOptions({ name: 'users', package: TRIAD_USERS_V1_PACKAGE_NAME, address: `127.0.0.1:${ports.grpc}`, deadlineMs: 10_000 })
      .options as never,
  );
  users = (client as ClientGrpc).getService<UsersServiceClient>(USERS_SERVICE_NAME);
}, 60_000);

afterAll(async () => {
  client?.close();
  await service?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** The client-credentials grant, as a service asks for it. */
async function requestToken(clientId: string, secret: string, resource: string, scope: string) {
  const response = await fetch(`${service.httpUrl}/oidc/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string | number> };
}

/** A token signed with users-service's real key but claims of the test's choosing, as a key thief would. */
async function signedWithRealKey(claims: Record<string, unknown>, audience: string, expiresInSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'at+jwt', kid: firstKey.kid })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setSubject(String(claims['client_id'] ?? 'someone'))
    .setIssuedAt(now - 600)
    .setExpirationTime(now + expiresInSeconds)
    .sign(await importJWK(firstKey, TOKEN_ALGORITHM));
}

function withServiceToken(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${token}`);
  return metadata;
}

const alice = async () => (await call(users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }))).user!;

describe('the JWKS', () => {
  it('publishes the public keys only, named by kid', async () => {
    const response = await fetch(`${service.httpUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: firstKey.x, kid: firstKey.kid, alg: 'EdDSA', use: 'sig' }]);
  });

  it('verifies the tokens users-service signs, fetched by any process that knows its address', async () => {
    const signedIn = await call(users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }));
    expect(await verifier.verify(signedIn.accessToken)).toEqual({ userId: signedIn.user?.id, role: 'customer' });
  });
});

describe('the client-credentials grant', () => {
  it('gives a registered service a short-lived token for the scopes it is granted there', async () => {
    const { status, body } = await requestToken('rest-api', REST_SECRET, USERS_AUDIENCE, 'users:delegate');
    expect(status).toBe(200);
    expect(body['expires_in']).toBe(300);
    expect(await verifier.verifyService(String(body['access_token']), USERS_AUDIENCE)).toEqual({
      clientId: 'rest-api',
      scopes: ['users:delegate'],
    });
  });

  it('refuses a wrong secret, a service that may not call the target, and an unknown client', async () => {
    expect((await requestToken('rest-api', 'not-the-secret-at-all-0123456789abcdef', USERS_AUDIENCE, 'users:delegate')).status).toBe(401);
    expect((await requestToken('orders-service', ORDERS_SECRET, USERS_AUDIENCE, 'users:delegate')).body['error']).toBe('invalid_target');
    expect((await requestToken('intruder', REST_SECRET, USERS_AUDIENCE, 'users:delegate')).status).toBe(401);
  });

  it('never grants a scope the policy does not list, even when asked', async () => {
    const { body } = await requestToken(
      'orders-service',
      ORDERS_SECRET,
      serviceAudience('catalog-service'),
      'catalog:stock users:delegate',
    );
    expect(body['scope']).toBe('catalog:stock');
  });
});

describe('CreateDelegatedToken, a service-only RPC', () => {
  const delegate = async (metadata: Metadata | undefined, userId: string, role = UserRole.USER_ROLE_CUSTOMER) =>
    users.createDelegatedToken({ userId, role }, metadata ?? new Metadata());

  it('issues the REST edge a token for an API key owner, which every verifier accepts as that user', async () => {
    const owner = await alice();
    const { body } = await requestToken('rest-api', REST_SECRET, USERS_AUDIENCE, 'users:delegate');
    const delegated = await call(await delegate(withServiceToken(String(body['access_token'])), owner.id));
    expect(await verifier.verify(delegated.accessToken)).toEqual({ userId: owner.id, role: 'customer' });
  });

  it('never grants more than the user holds now: an admin key of a customer acts as a customer', async () => {
    const owner = await alice();
    const { body } = await requestToken('rest-api', REST_SECRET, USERS_AUDIENCE, 'users:delegate');
    const delegated = await call(await delegate(withServiceToken(String(body['access_token'])), owner.id, UserRole.USER_ROLE_ADMIN));
    expect((await verifier.verify(delegated.accessToken)).role).toBe('customer');
  });

  it('refuses every caller that is not a service granted users:delegate', async () => {
    const owner = await alice();
    const customerToken = (await call(users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }))).accessToken;
    const adminToken = (await call(users.authenticate({ email: 'admin@triad.dev', password: 'admin-password' }))).accessToken;
    const forgedKey = { ...(await generateSigningKey()), kid: firstKey.kid };
    const forged = await new SignJWT({ client_id: 'rest-api', scope: 'users:delegate' })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'at+jwt', kid: firstKey.kid })
      .setIssuer(ISSUER)
      .setAudience(USERS_AUDIENCE)
      .setSubject('rest-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(await importJWK(forgedKey, TOKEN_ALGORITHM));
    const expired = await signedWithRealKey({ client_id: 'rest-api', scope: 'users:delegate' }, USERS_AUDIENCE, -60);
    const otherAudience = await signedWithRealKey(
      { client_id: 'rest-api', scope: 'users:delegate' },
      serviceAudience('catalog-service'),
      300,
    );
    const ordersToken = await signedWithRealKey({ client_id: 'orders-service', scope: '' }, USERS_AUDIENCE, 300);

    const attempts: [string, Metadata | undefined, string][] = [
      ['no token', undefined, 'UNAUTHENTICATED'],
      ["a customer's token", withServiceToken(customerToken), 'UNAUTHENTICATED'],
      ["an admin's token", withServiceToken(adminToken), 'UNAUTHENTICATED'],
      ['a forged token', withServiceToken(forged), 'UNAUTHENTICATED'],
      ['an expired token', withServiceToken(expired), 'UNAUTHENTICATED'],
      ['a token for another service', withServiceToken(otherAudience), 'UNAUTHENTICATED'],
      ['a service without the scope', withServiceToken(ordersToken), 'PERMISSION_DENIED'],
    ];
    for (const [what, metadata, kind] of attempts) {
      const error = await failure(await delegate(metadata, owner.id));
      expect(error.kind, what).toBe(kind);
    }
  });
});

describe('key rotation', () => {
  it('signs with the new key after a restart, while verifiers accept old and new tokens without one', async () => {
    const before = await call(users.authenticate({ email: 'bob@triad.dev', password: 'bob-password' }));
    const secondKey = await generateSigningKey();
    writeKeysFile(keysFile, [secondKey, firstKey]);
    await service.close();
    await start();

    const after = await call(users.authenticate({ email: 'bob@triad.dev', password: 'bob-password' }));
    expect(JSON.parse(Buffer.from(after.accessToken.split('.')[0]!, 'base64url').toString()).kid).toBe(secondKey.kid);
    expect((await verifier.verify(before.accessToken)).userId).toBe(before.user?.id);
    // The verifier fetches the key set again for a kid it has not seen, at most once every few seconds.
    await expect
      .poll(
        () =>
          verifier.verify(after.accessToken).then(
            () => 'verified',
            (error: Error) => error.message,
          ),
        {
          timeout: 15_000,
          interval: 500,
        },
      )
      .toBe('verified');
  });
});
