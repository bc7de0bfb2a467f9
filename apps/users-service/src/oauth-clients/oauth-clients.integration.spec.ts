import { createHash } from 'node:crypto';
import type { OAuthClientsServiceClient, UsersServiceClient } from '@triad/contracts/users/v1';
import { AccessTokens, USER_TOKEN_AUDIENCE } from '@triad/platform';
import {
  authorizeWithPkce,
  bearer,
  call,
  clientCredentialsRequest,
  DEMO_ACCOUNTS,
  discover,
  exchangeCode,
  failure,
  freePort,
  signIn,
  type SignedInAccount,
} from '@triad/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { oauthClients as oauthClientsTable } from '../db/schema.js';
import { startTestUsersService, type TestUsersService } from '../testing/users-service.harness.js';
import { MAX_LIVE_OAUTH_CLIENTS } from './oauth-clients.service.js';

// A user registers a client for a script of theirs; the script gets tokens with client credentials over HTTP.
let harness: TestUsersService;
let oauthClients: OAuthClientsServiceClient;
let users: UsersServiceClient;
let issuer: string;
let tokenEndpoint: string;
/** Every other process's view of a token: the same verifier they run. */
let verifier: AccessTokens;
let alice: SignedInAccount;
let bob: SignedInAccount;
let admin: SignedInAccount;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/oidc`;
  harness = await startTestUsersService(inject('postgresUrl'), { USERS_HTTP_PORT: String(port), AUTH_ISSUER: issuer });
  ({ oauthClients, users } = harness);
  tokenEndpoint = `${issuer}/token`;
  verifier = new AccessTokens({ AUTH_ISSUER: issuer, AUTH_SERVER_URL: `http://127.0.0.1:${port}` });
  [alice, bob, admin] = await Promise.all(
    [DEMO_ACCOUNTS.alice, DEMO_ACCOUNTS.bob, DEMO_ACCOUNTS.admin].map(({ email, password }) => signIn(users, email, password)),
  );
});
afterAll(() => harness?.close());

const register = (account: SignedInAccount, name: string, scopes: string[]) =>
  call(oauthClients.createOAuthClient({ name, scopes }, bearer(account.token)));
const tokenFor = (clientId: string, clientSecret: string, form: Record<string, string> = {}) =>
  clientCredentialsRequest(tokenEndpoint, { clientId, clientSecret }, form);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('OAuth clients users register', () => {
  it('registers a client, shows its secret once and stores only its SHA-256', async () => {
    const { oauthClient, clientSecret } = await register(alice, '  nightly report ', ['orders:write', 'orders:read', 'orders:read']);

    expect(oauthClient).toMatchObject({ name: 'nightly report', scopes: ['orders:read', 'orders:write'] });
    expect(clientSecret).toMatch(/^triad_cs_[\w-]{43}$/);
    const [row] = await harness.db.select().from(oauthClientsTable).where(eq(oauthClientsTable.id, oauthClient!.clientId));
    expect(row).toMatchObject({
      userId: alice.id,
      revokedAt: null,
      secretHash: createHash('sha256').update(clientSecret).digest('base64url'),
    });
    const everyRow = await harness.db.select().from(oauthClientsTable);
    expect(JSON.stringify(everyRow)).not.toContain(clientSecret.slice('triad_cs_'.length));
    const listed = await call(oauthClients.listOAuthClients({}, bearer(alice.token)));
    expect(listed.oauthClients.map((client) => client.clientId)).toContain(oauthClient!.clientId);
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it("gives the client a token over HTTP that acts for its owner with exactly the client's scopes", async () => {
    const { oauthClient, clientSecret } = await register(alice, 'sync', ['orders:read']);

    const { status, body } = await tokenFor(oauthClient!.clientId, clientSecret);

    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'orders:read' });
    expect(body.refresh_token).toBeUndefined();
    expect(await verifier.verify(body.access_token)).toEqual({
      userId: alice.id,
      role: 'customer',
      clientId: oauthClient!.clientId,
      scopes: ['orders:read'],
    });
    expect(claimsOf(body.access_token)).toMatchObject({ aud: USER_TOKEN_AUDIENCE, sub: alice.id, client_id: oauthClient!.clientId });
  });

  it('lets the client ask for fewer of its scopes, and refuses one it does not have', async () => {
    const { oauthClient, clientSecret } = await register(alice, 'reader and writer', ['orders:read', 'orders:write']);

    const fewer = await tokenFor(oauthClient!.clientId, clientSecret, { scope: 'orders:read' });
    const more = await tokenFor(oauthClient!.clientId, clientSecret, { scope: 'orders:read catalog:write' });
    const elsewhere = await tokenFor(oauthClient!.clientId, clientSecret, { resource: 'urn:triad:users-service' });

    expect(await verifier.verify(fewer.body.access_token)).toMatchObject({ scopes: ['orders:read'] });
    expect(more).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  it("gives an admin's client catalog:write, and refuses it to a customer", async () => {
    const { oauthClient, clientSecret } = await register(admin, 'catalog import', ['catalog:write']);
    const refused = await failure(oauthClients.createOAuthClient({ name: 'catalog import', scopes: ['catalog:write'] }, bearer(bob.token)));

    const { body } = await tokenFor(oauthClient!.clientId, clientSecret);

    expect(await verifier.verify(body.access_token)).toMatchObject({ userId: admin.id, role: 'admin', scopes: ['catalog:write'] });
    expect(refused).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'OAUTH_CLIENTS.INVALID_INPUT' });
    expect(refused.fieldViolations).toEqual([
      { field: 'scopes[0]', description: 'must be a scope you can grant: orders:read, orders:write' },
    ]);
  });

  it('refuses a wrong secret, and a revoked client at once, with invalid_client', async () => {
    const { oauthClient, clientSecret } = await register(bob, 'old laptop', ['orders:read']);
    expect((await tokenFor(oauthClient!.clientId, clientSecret)).status).toBe(200);

    const wrong = await tokenFor(oauthClient!.clientId, `${clientSecret.slice(0, -1)}x`);
    const hashAsSecret = await tokenFor(
      oauthClient!.clientId,
      (await harness.db.select().from(oauthClientsTable).where(eq(oauthClientsTable.id, oauthClient!.clientId)))[0]!.secretHash,
    );
    await call(oauthClients.revokeOAuthClient({ clientId: oauthClient!.clientId }, bearer(bob.token)));
    const afterRevoke = await tokenFor(oauthClient!.clientId, clientSecret);

    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(hashAsSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(afterRevoke).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const listed = await call(oauthClients.listOAuthClients({}, bearer(bob.token)));
    expect(listed.oauthClients.map((client) => client.clientId)).not.toContain(oauthClient!.clientId);
  });

  it("may not introspect another client's token, such as a command-line tool's refresh token", async () => {
    const { oauthClient, clientSecret } = await register(alice, 'curious', ['orders:read']);
    const discovery = await discover(issuer);
    const tool = await exchangeCode(
      discovery,
      await authorizeWithPkce(discovery, DEMO_ACCOUNTS.bob, { scope: 'openid offline_access orders:read' }),
    );
    const introspect = async (token: string) => {
      const basic = Buffer.from(`${oauthClient!.clientId}:${clientSecret}`).toString('base64');
      const response = await fetch(`${issuer}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: new URLSearchParams({ token }).toString(),
      });
      return (await response.json()) as Record<string, unknown>;
    };

    expect(await introspect(tool.body.refresh_token!)).toEqual({ active: false });
  });

  it("answers NOT_FOUND for someone else's client, which keeps working", async () => {
    const { oauthClient, clientSecret } = await register(alice, 'keep me', ['orders:read']);

    const revoke = await failure(oauthClients.revokeOAuthClient({ clientId: oauthClient!.clientId }, bearer(bob.token)));

    expect(revoke).toMatchObject({ kind: 'NOT_FOUND', code: 'OAUTH_CLIENTS.NOT_FOUND' });
    expect((await tokenFor(oauthClient!.clientId, clientSecret)).status).toBe(200);
  });

  it("refuses to be managed by a client's own token, so a script cannot make itself more", async () => {
    const { oauthClient, clientSecret } = await register(alice, 'script', ['orders:read', 'orders:write']);
    const { body } = await tokenFor(oauthClient!.clientId, clientSecret);
    const asClient = bearer(body.access_token);

    const attempts = await Promise.all([
      failure(oauthClients.createOAuthClient({ name: 'successor', scopes: ['orders:read'] }, asClient)),
      failure(oauthClients.listOAuthClients({}, asClient)),
      failure(oauthClients.revokeOAuthClient({ clientId: oauthClient!.clientId }, asClient)),
    ]);

    for (const error of attempts) expect(error).toMatchObject({ kind: 'PERMISSION_DENIED', code: 'AUTH.USER_ONLY' });
    expect((await failure(oauthClients.listOAuthClients({}))).kind).toBe('UNAUTHENTICATED');
  });

  it('refuses hostile input with INVALID_ARGUMENT, naming each field', async () => {
    const attempts = await Promise.all([
      failure(oauthClients.createOAuthClient({ name: 'nul\u0000byte', scopes: ['orders:read'] }, bearer(bob.token))),
      failure(oauthClients.createOAuthClient({ name: 'x'.repeat(100_000), scopes: ['orders:read'] }, bearer(bob.token))),
      failure(oauthClients.createOAuthClient({ name: 'no scopes', scopes: [] }, bearer(bob.token))),
      failure(oauthClients.createOAuthClient({ name: 'made up', scopes: ['orders:delete'] }, bearer(bob.token))),
      failure(oauthClients.revokeOAuthClient({ clientId: "1' or '1'='1" }, bearer(bob.token))),
    ]);

    expect(attempts.map((error) => [error.kind, error.fieldViolations[0]?.field])).toEqual([
      ['INVALID_ARGUMENT', 'name'],
      ['INVALID_ARGUMENT', 'name'],
      ['INVALID_ARGUMENT', 'scopes'],
      ['INVALID_ARGUMENT', 'scopes[0]'],
      ['INVALID_ARGUMENT', 'client_id'],
    ]);
    expect(JSON.stringify(attempts.map((error) => error.message))).not.toContain('x'.repeat(200));
  });

  it(`holds each user to ${MAX_LIVE_OAUTH_CLIENTS} live clients, even when they register at once`, async () => {
    const carol = await signIn(users, DEMO_ACCOUNTS.carol.email, DEMO_ACCOUNTS.carol.password);

    const attempts = await Promise.allSettled(
      Array.from({ length: MAX_LIVE_OAUTH_CLIENTS + 3 }, (_, index) => register(carol, `script ${index}`, ['orders:read'])),
    );

    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(MAX_LIVE_OAUTH_CLIENTS);
    const refused = await failure(oauthClients.createOAuthClient({ name: 'one more', scopes: ['orders:read'] }, bearer(carol.token)));
    expect(refused).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'OAUTH_CLIENTS.LIMIT_REACHED' });
    const [first] = (await call(oauthClients.listOAuthClients({}, bearer(carol.token)))).oauthClients;
    await call(oauthClients.revokeOAuthClient({ clientId: first!.clientId }, bearer(carol.token)));
    expect((await register(carol, 'replacement', ['orders:read'])).oauthClient?.name).toBe('replacement');
  });
});
