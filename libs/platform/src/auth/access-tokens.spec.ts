import { createLocalJWKSet, importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokens, serviceAudience, TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE } from './access-tokens.js';
import { generateSigningKey, publicJwks, UserTokenSigner, type PrivateSigningJwk } from './signing-keys.js';

const ISSUER = 'http://users.test/oidc';

async function authority() {
  const key = await generateSigningKey();
  return { key, signer: await UserTokenSigner.create([key], ISSUER), tokens: AccessTokens.withKeys(publicJwks([key]), ISSUER) };
}

/** A JWT with the test's choice of header and claims, signed with `key`. */
async function craft(
  key: PrivateSigningJwk,
  claims: Record<string, unknown>,
  options: { audience?: string; issuer?: string; typ?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: options.typ ?? 'at+jwt', kid: key.kid })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? USER_TOKEN_AUDIENCE)
    .setSubject(String(claims['sub'] ?? 'u1'))
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(await importJWK(key, TOKEN_ALGORITHM));
}

const invalid = { kind: 'UNAUTHENTICATED', message: 'The access token is not valid: sign in again.' };

describe('AccessTokens', () => {
  it('verifies the tokens users-service signs and returns their caller', async () => {
    const { signer, tokens } = await authority();
    const { token, expiresAt } = await signer.sign({ userId: 'u1', role: 'admin' }, 60);
    expect(await tokens.fromAuthorization(`Bearer ${token}`)).toEqual({ userId: 'u1', role: 'admin' });
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('refuses an expired token, saying why', async () => {
    const { signer, tokens } = await authority();
    const { token } = await signer.sign({ userId: 'u1', role: 'customer' }, 60, new Date(Date.now() - 120_000));
    await expect(tokens.verify(token)).rejects.toMatchObject({
      kind: 'UNAUTHENTICATED',
      message: 'The access token has expired: sign in again.',
    });
  });

  it('refuses a token signed with any other key, even one that names the right kid', async () => {
    const { key, tokens } = await authority();
    const impostor = { ...(await generateSigningKey()), kid: key.kid };
    await expect(tokens.verify(await craft(impostor, { role: 'admin' }))).rejects.toMatchObject(invalid);
  });

  it('refuses HS256 signed with the public key, and unsigned tokens (algorithm confusion)', async () => {
    const { key, tokens } = await authority();
    const now = Math.floor(Date.now() / 1000);
    const hs256 = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(ISSUER)
      .setAudience(USER_TOKEN_AUDIENCE)
      .setSubject('u1')
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(key.x));
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: 'u1', role: 'admin', iss: ISSUER, aud: USER_TOKEN_AUDIENCE, iat: now, exp: now + 300 }),
    ).toString('base64url')}.`;
    await expect(tokens.verify(hs256)).rejects.toMatchObject(invalid);
    await expect(tokens.verify(unsigned)).rejects.toMatchObject(invalid);
  });

  it('refuses tokens of another issuer, another audience, another type or without a role', async () => {
    const { key, tokens } = await authority();
    await expect(tokens.verify(await craft(key, { role: 'admin' }, { issuer: 'http://elsewhere/oidc' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await craft(key, { role: 'admin' }, { audience: 'someone-else' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await craft(key, { role: 'admin' }, { typ: 'JWT' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await craft(key, { role: 'root' }))).rejects.toMatchObject(invalid);
  });

  it('never takes a service token for a user, nor a user token for a service', async () => {
    const { key, signer, tokens } = await authority();
    const serviceToken = await craft(
      key,
      { sub: 'orders-service', client_id: 'orders-service', scope: 'catalog:stock' },
      { audience: USER_TOKEN_AUDIENCE },
    );
    await expect(tokens.verify(serviceToken)).rejects.toMatchObject(invalid);
    const withRole = await craft(key, { sub: 'orders-service', client_id: 'orders-service', scope: 'catalog:stock', role: 'admin' });
    await expect(tokens.verify(withRole)).rejects.toMatchObject(invalid);
    const { token: userToken } = await signer.sign({ userId: 'u1', role: 'admin' }, 60);
    await expect(tokens.verifyService(userToken, serviceAudience('catalog-service'))).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it("reads a client's token for a user: the user, and the client with the scopes it was granted", async () => {
    const { key, tokens } = await authority();
    const granted = await craft(key, { sub: 'u1', role: 'customer', client_id: 'triad-cli', scope: 'orders:read' });
    const none = await craft(key, { sub: 'u1', role: 'customer', client_id: 'triad-cli' });

    expect(await tokens.verify(granted)).toEqual({ userId: 'u1', role: 'customer', clientId: 'triad-cli', scopes: ['orders:read'] });
    expect(await tokens.verify(none)).toEqual({ userId: 'u1', role: 'customer', clientId: 'triad-cli', scopes: [] });
  });

  it('reads a service token meant for this service: its client and scopes', async () => {
    const { key, tokens } = await authority();
    const audience = serviceAudience('catalog-service');
    const token = await craft(key, { sub: 'orders-service', client_id: 'orders-service', scope: 'catalog:stock' }, { audience });
    expect(await tokens.verifyService(token, audience)).toEqual({ clientId: 'orders-service', scopes: ['catalog:stock'] });
    await expect(tokens.verifyService(token, serviceAudience('users-service'))).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('refuses a huge token before parsing it', async () => {
    const { tokens } = await authority();
    await expect(tokens.verify('a'.repeat(100_000))).rejects.toMatchObject(invalid);
  });

  it('treats no header as anonymous but a malformed one as an error', async () => {
    const { tokens } = await authority();
    expect(await tokens.fromAuthorization(undefined)).toBeUndefined();
    await expect(tokens.fromAuthorization('Basic dXNlcjpwYXNz')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('checks a token once per process, and a withdrawn key stops only tokens it has not checked yet', async () => {
    const { key, signer } = await authority();
    let published = publicJwks([key]);
    let keyLookups = 0;
    const tokens = new AccessTokens({
      issuer: ISSUER,
      keys: (header, token) => {
        keyLookups += 1;
        return createLocalJWKSet(published)(header, token);
      },
    });
    const { token: first } = await signer.sign({ userId: 'u1', role: 'customer' }, 60);
    for (let request = 0; request < 5; request += 1) expect(await tokens.verify(first)).toEqual({ userId: 'u1', role: 'customer' });
    expect(keyLookups).toBe(1);

    // The key leaks and is withdrawn: a token this process never saw is refused at once, one it checked
    // already is taken for at most VERIFIED_TOKEN_TTL_MS more.
    published = { keys: [] };
    const { token: second } = await signer.sign({ userId: 'u2', role: 'customer' }, 60);
    await expect(tokens.verify(second)).rejects.toMatchObject(invalid);
    expect(await tokens.verify(first)).toEqual({ userId: 'u1', role: 'customer' });
  });

  it('refuses a checked token from its expiry on, however recently it was checked', async () => {
    const { signer, tokens } = await authority();
    const { token, expiresAt } = await signer.sign({ userId: 'u1', role: 'customer' }, 1);
    expect(await tokens.verify(token)).toEqual({ userId: 'u1', role: 'customer' });
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    await expect(tokens.verify(token)).rejects.toMatchObject({ message: 'The access token has expired: sign in again.' });
  });

  it('says the keys are unavailable, not that the token is bad, when users-service cannot be reached', async () => {
    const { signer } = await authority();
    const { token } = await signer.sign({ userId: 'u1', role: 'customer' }, 60);
    const remote = new AccessTokens({ AUTH_ISSUER: ISSUER, AUTH_SERVER_URL: 'http://127.0.0.1:9' });
    await expect(remote.verify(token)).rejects.toMatchObject({ kind: 'UNAVAILABLE', code: 'AUTH.KEYS_UNAVAILABLE' });
  });
});
