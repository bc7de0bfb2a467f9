import { createHash, randomBytes } from 'node:crypto';
import { AccessTokens, USER_TOKEN_AUDIENCE } from '@triad/platform';
import {
  authorizeWithPkce,
  DEMO_ACCOUNTS,
  discover,
  exchangeCode,
  freePort,
  loopback,
  TestBrowser,
  tokenRequest,
  type Discovery,
} from '@triad/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestUsersService, type TestUsersService } from '../testing/users-service.harness.js';
import { oauthRecordsAdapter } from './oauth-records.repository.js';

// A command-line tool signing users in with authorization code and PKCE (see @triad/testing's oauth-client).
let users: TestUsersService;
let issuer: string;
let discovery: Discovery;
/** Every other process's view of a token: the same verifier they run. */
let verifier: AccessTokens;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}/oidc`;
  users = await startTestUsersService(inject('postgresUrl'), { USERS_HTTP_PORT: String(port), AUTH_ISSUER: issuer });
  discovery = await discover(issuer);
  verifier = new AccessTokens({ AUTH_ISSUER: issuer, AUTH_SERVER_URL: `http://127.0.0.1:${port}` });
});
afterAll(async () => {
  await users?.close();
});

const refresh = (refreshToken: string) =>
  tokenRequest(discovery, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'triad-cli' });

describe('authorization code with PKCE, for a command-line tool', () => {
  it('publishes its endpoints at the discovery address', () => {
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      revocation_endpoint: `${issuer}/token/revocation`,
      introspection_endpoint: `${issuer}/token/introspection`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(discovery['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'offline_access']));
  });

  it("signs a customer in, and gives the tool a token for Triad's APIs with the scopes they could grant", async () => {
    const flow = await authorizeWithPkce(discovery, DEMO_ACCOUNTS.alice, {
      scope: 'openid offline_access orders:read orders:write catalog:write',
    });
    expect(flow.loginPage).toContain('Triad command line');
    expect(flow.consentPage).toContain('orders:write');
    expect(flow.consentPage).not.toContain('catalog:write');

    const { status, body } = await exchangeCode(discovery, flow);

    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300, refresh_token: expect.any(String), id_token: expect.any(String) });
    const caller = await verifier.verify(body.access_token);
    expect(caller).toMatchObject({ role: 'customer', clientId: 'triad-cli' });
    expect([...(caller.scopes ?? [])].sort()).toEqual(['orders:read', 'orders:write']);
    const [header, payload] = body.access_token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'EdDSA' });
    expect(payload).toMatchObject({ aud: USER_TOKEN_AUDIENCE, iss: issuer, client_id: 'triad-cli' });
  });

  it('gives an admin the admin scope they asked for', async () => {
    const flow = await authorizeWithPkce(discovery, DEMO_ACCOUNTS.admin, { scope: 'openid catalog:write' });
    const { body } = await exchangeCode(discovery, flow);

    expect(await verifier.verify(body.access_token)).toMatchObject({ role: 'admin', scopes: ['catalog:write'] });
    expect(body.refresh_token).toBeUndefined();
  });

  it('refuses the code without the PKCE verifier, with another one, or twice', async () => {
    const flow = await authorizeWithPkce(discovery, DEMO_ACCOUNTS.alice, { scope: 'openid orders:read' });
    const exchange = { grant_type: 'authorization_code', code: flow.code, redirect_uri: flow.redirectUri, client_id: 'triad-cli' };

    expect((await tokenRequest(discovery, exchange)).body.error).toBe('invalid_grant');
    expect((await tokenRequest(discovery, { ...exchange, code_verifier: randomBytes(32).toString('base64url') })).body.error).toBe(
      'invalid_grant',
    );
    expect((await exchangeCode(discovery, flow)).status).toBe(200);
    expect((await exchangeCode(discovery, flow)).body.error).toBe('invalid_grant');
  });

  it('replaces the refresh token at each use, and a reused one revokes the whole family', async () => {
    const flow = await authorizeWithPkce(discovery, DEMO_ACCOUNTS.alice, { scope: 'openid offline_access orders:read' });
    const first = await exchangeCode(discovery, flow);

    const second = await refresh(first.body.refresh_token!);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(await verifier.verify(second.body.access_token)).toMatchObject({ scopes: ['orders:read'] });

    // The first refresh token again, as a thief who copied it would send it: refused, and the family is gone.
    expect((await refresh(first.body.refresh_token!)).body.error).toBe('invalid_grant');
    expect((await refresh(second.body.refresh_token!)).body.error).toBe('invalid_grant');
  });

  it('lets one of ten simultaneous uses of a refresh token through, and then revokes the family', async () => {
    const flow = await authorizeWithPkce(discovery, DEMO_ACCOUNTS.alice, { scope: 'openid offline_access orders:read' });
    const first = await exchangeCode(discovery, flow);

    const racing = await Promise.all(Array.from({ length: 10 }, () => refresh(first.body.refresh_token!)));

    const winners = racing.filter((attempt) => attempt.status === 200);
    expect(winners).toHaveLength(1);
    expect((await refresh(winners[0]!.body.refresh_token!)).body.error).toBe('invalid_grant');
  });

  it('finds nothing of a revoked grant written after its revocation, as a request racing a reused token may write', async () => {
    const adapterFor = oauthRecordsAdapter(users.db);
    const grantId = `grant-${randomBytes(8).toString('hex')}`;
    await adapterFor('RefreshToken').revokeByGrantId(grantId);

    await adapterFor('RefreshToken').upsert(`${grantId}-late`, { grantId, kind: 'RefreshToken' }, 3600);
    await adapterFor('Grant').upsert(grantId, { jti: grantId, kind: 'Grant' }, 3600);
    await adapterFor('RefreshToken').upsert(`${grantId}-other`, { grantId: `${grantId}-other`, kind: 'RefreshToken' }, 3600);

    expect(await adapterFor('RefreshToken').find(`${grantId}-late`)).toBeUndefined();
    expect(await adapterFor('Grant').find(grantId)).toBeUndefined();
    expect(await adapterFor('RefreshToken').find(`${grantId}-other`)).toMatchObject({ grantId: `${grantId}-other` });
  });

  it('takes a refresh token back at once when the tool revokes it', async () => {
    const flow = await authorizeWithPkce(discovery, DEMO_ACCOUNTS.alice, { scope: 'openid offline_access orders:read' });
    const tokens = await exchangeCode(discovery, flow);

    const revoked = await fetch(discovery.revocation_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.body.refresh_token!, client_id: 'triad-cli' }).toString(),
    });

    expect(revoked.status).toBe(200);
    expect((await refresh(tokens.body.refresh_token!)).body.error).toBe('invalid_grant');
  });
});

describe('the sign-in pages', () => {
  async function loginPage() {
    const browser = new TestBrowser();
    const tool = await loopback();
    tool.server.close();
    const request = new URL(discovery.authorization_endpoint);
    request.search = new URLSearchParams({
      client_id: 'triad-cli',
      response_type: 'code',
      redirect_uri: tool.redirectUri,
      scope: 'openid',
      code_challenge: createHash('sha256').update('x'.repeat(43)).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const login = await browser.follow(await browser.go(request.toString()), request.toString(), request.origin);
    return { browser, url: login.url };
  }

  it('answers a wrong password with the form again and a 401, and signs nobody in', async () => {
    const { browser, url } = await loginPage();

    const wrong = await browser.post(`${url}/login`, { email: DEMO_ACCOUNTS.alice.email, password: 'not-her-password' });

    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('The email or password is not correct.');
  });

  it('changes nothing for a browser that is not in the interaction (another site posting the form)', async () => {
    const { url } = await loginPage();

    const forged = await new TestBrowser().post(`${url}/login`, DEMO_ACCOUNTS.alice);

    expect(forged.status).toBe(400);
    expect(forged.headers.get('location')).toBeNull();
  });

  it('refuses to be framed, and turns down a malformed or large form with a 4xx', async () => {
    const { browser, url } = await loginPage();
    const form = await browser.go(url);

    const malformed = await browser.post(`${url}/login`, { email: '<script>alert(1)</script>@x.dev', password: 'x\u0000y' });
    const huge = await browser.post(`${url}/login`, { email: DEMO_ACCOUNTS.alice.email, password: 'x'.repeat(100_000) });
    const json = await browser.go(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(DEMO_ACCOUNTS.alice),
    });

    expect(form.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(malformed.status).toBe(400);
    expect(huge.status).toBe(413);
    expect(json.status).toBe(415);
  });

  it('takes a field sent twice for none, so a second password cannot ride along', async () => {
    const { browser, url } = await loginPage();

    const twice = await browser.go(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `email=${encodeURIComponent(DEMO_ACCOUNTS.alice.email)}&password=wrong&password=${DEMO_ACCOUNTS.alice.password}`,
    });

    expect(twice.status).toBe(400);
  });

  it('refuses a redirect address the client did not register', async () => {
    const request = new URL(discovery.authorization_endpoint);
    request.search = new URLSearchParams({
      client_id: 'triad-cli',
      response_type: 'code',
      redirect_uri: 'https://attacker.example/callback',
      scope: 'openid',
      code_challenge: createHash('sha256').update('x'.repeat(43)).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

    const response = await fetch(request, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
