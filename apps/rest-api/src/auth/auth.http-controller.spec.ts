import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { UserResource } from '../users/users.dto.js';
import type { AccessTokenResource } from './auth.dto.js';

describe('POST /v1/auth/token', () => {
  let api: TestRestApi;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['users-service'] });
  });
  afterAll(() => api?.close());

  it('issues an access token that opens the protected routes', async () => {
    const before = Date.now();
    const { status, headers, body } = await api.call<AccessTokenResource>('POST', '/v1/auth/token', {
      body: { email: 'alice@triad.dev', password: 'alice-password' },
    });

    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      token_type: 'Bearer',
      user: { email: 'alice@triad.dev', name: api.services.accounts.alice.name, role: 'customer' },
    });
    expect(Date.parse(body.expires_at)).toBeGreaterThan(before);

    const me = await api.call<UserResource>('GET', '/v1/users/me', { token: body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('alice@triad.dev');
  });

  it('answers 401 with a problem document when the password is wrong', async () => {
    const { status, headers, body } = await api.call<ProblemDocument>('POST', '/v1/auth/token', {
      body: { email: 'alice@triad.dev', password: 'not-her-password' },
    });

    expect(status).toBe(401);
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(headers.get('www-authenticate')).toBe('Bearer');
    expect(body).toEqual({
      type: 'https://triad.dev/problems/unauthenticated',
      title: 'Unauthenticated',
      status: 401,
      detail: 'The email or password is not correct.',
      instance: '/v1/auth/token',
      code: 'USERS.INVALID_CREDENTIALS',
      request_id: headers.get('x-request-id'),
    });
  });

  it('lists every missing field when the body is empty', async () => {
    const { status, body } = await api.call<ProblemDocument>('POST', '/v1/auth/token', { body: {} });

    expect(status).toBe(400);
    expect(body.code).toBe('REQUEST.INVALID_FIELDS');
    expect(body.errors).toEqual([
      { field: 'email', description: 'is required' },
      { field: 'password', description: 'is required' },
    ]);
  });
});
