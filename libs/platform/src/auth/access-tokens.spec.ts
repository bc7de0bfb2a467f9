import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import { AccessTokens } from './access-tokens.js';

const settings = { NODE_ENV: 'test' as const, JWT_SECRET: 'a-test-secret-that-is-long-enough-123', JWT_TTL_SECONDS: 60 };

describe('AccessTokens', () => {
  it('verifies the tokens it signs and returns their caller', async () => {
    const tokens = new AccessTokens(settings);
    const { token, expiresAt } = await tokens.sign({ userId: 'u1', role: 'admin' });
    expect(await tokens.fromAuthorization(`Bearer ${token}`)).toEqual({ userId: 'u1', role: 'admin' });
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('refuses expired tokens and tokens signed with another secret, saying why', async () => {
    const tokens = new AccessTokens(settings);
    const { token: expired } = await tokens.sign({ userId: 'u1', role: 'customer' }, new Date(Date.now() - 120_000));
    await expect(tokens.verify(expired)).rejects.toMatchObject({
      kind: 'UNAUTHENTICATED',
      message: 'The access token has expired: sign in again.',
    });
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('triad-users-service')
      .setAudience('triad')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-of-sufficient-length!!'));
    await expect(tokens.verify(forged)).rejects.toMatchObject({
      kind: 'UNAUTHENTICATED',
      message: 'The access token is not valid: sign in again.',
    });
  });

  it('treats no header as anonymous but a malformed one as an error', async () => {
    const tokens = new AccessTokens(settings);
    expect(await tokens.fromAuthorization(undefined)).toBeUndefined();
    await expect(tokens.fromAuthorization('Basic dXNlcjpwYXNz')).rejects.toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('refuses to start in production without a strong secret', () => {
    expect(() => new AccessTokens({ NODE_ENV: 'production', JWT_TTL_SECONDS: 60 })).toThrow(ConfigError);
    expect(() => new AccessTokens({ NODE_ENV: 'production', JWT_SECRET: 'short', JWT_TTL_SECONDS: 60 })).toThrow(/at least 32 characters/);
    expect(() => new AccessTokens({ NODE_ENV: 'development', JWT_TTL_SECONDS: 60 })).not.toThrow();
  });
});
