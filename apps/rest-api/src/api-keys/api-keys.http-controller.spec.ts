import { createHash } from 'node:crypto';
import type { ProblemDocument } from '@triad/platform';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../db/schema.js';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';
import type { ApiKeyListResource, ApiKeyResource, CreatedApiKeyResource } from './api-keys.dto.js';

describe('/v1/api-keys', () => {
  let api: TestRestApi;
  let alice: Account;
  let aliceToken: string;
  let bobToken: string;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['users-service'] });
    ({ alice } = api.services.accounts);
    aliceToken = alice.token;
    bobToken = api.services.accounts.bob.token;
    adminToken = api.services.accounts.admin.token;
  });
  afterAll(() => api?.close());

  const create = (token: string, name: unknown) => api.call<CreatedApiKeyResource>('POST', '/v1/api-keys', { token, body: { name } });

  describe('POST /v1/api-keys', () => {
    it('answers 201 with the secret once, and stores only its SHA-256 hash', async () => {
      const { status, headers, body } = await create(aliceToken, '  nightly stock sync ');

      expect(status).toBe(201);
      expect(headers.get('location')).toBe(`/v1/api-keys/${body.id}`);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(body).toEqual({
        id: expect.any(String),
        name: 'nightly stock sync',
        prefix: expect.stringMatching(/^triad_[0-9a-f]{8}$/),
        secret: expect.stringMatching(/^triad_[0-9a-f]{8}_[\w-]{43}$/),
        created_at: expect.any(String),
      });
      expect(body.secret.startsWith(`${body.prefix}_`)).toBe(true);

      const [row] = await api.database.select().from(apiKeys).where(eq(apiKeys.id, body.id));
      expect(row).toMatchObject({
        userId: alice.id,
        ownerRole: 'customer',
        prefix: body.prefix,
        secretHash: createHash('sha256').update(body.secret).digest('base64url'),
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(JSON.stringify(row)).not.toContain(body.secret.slice(body.prefix.length));

      const location = await api.call<ApiKeyResource>('GET', headers.get('location')!, { token: aliceToken });
      expect(location.status).toBe(200);
      expect(location.body).not.toHaveProperty('secret');
    });

    it('lists what is wrong with the name', async () => {
      const blank = await create(aliceToken, '   ');
      const missing = await api.call<ProblemDocument>('POST', '/v1/api-keys', { token: aliceToken, body: {} });

      expect(blank.status).toBe(400);
      expect(blank.body).toMatchObject({ code: 'API_KEYS.INVALID_INPUT', errors: [{ field: 'name', description: 'must not be empty' }] });
      expect(missing.body).toMatchObject({ code: 'REQUEST.INVALID_FIELDS', errors: [{ field: 'name', description: 'is required' }] });
    });

    it('answers 401 without an access token', async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/api-keys', { body: { name: 'anonymous' } });

      expect(status).toBe(401);
      expect(body.code).toBe('AUTH.UNAUTHENTICATED');
    });
  });

  describe('GET /v1/api-keys', () => {
    it("lists only the caller's keys, newest first and revoked ones included, never with a secret", async () => {
      const bobs = await api.call<ApiKeyListResource>('GET', '/v1/api-keys', { token: bobToken });
      const first = (await create(bobToken, 'first')).body;
      const second = (await create(bobToken, 'second')).body;
      await api.call('POST', `/v1/api-keys/${first.id}:revoke`, { token: bobToken });
      await create(aliceToken, 'not bob');

      const { status, headers, body } = await api.call<ApiKeyListResource>('GET', '/v1/api-keys', { token: bobToken });

      expect(bobs.body.api_keys).toEqual([]);
      expect(status).toBe(200);
      expect(headers.get('cache-control')).toBe('private, no-cache');
      expect(body.api_keys).toEqual([
        {
          id: second.id,
          name: 'second',
          prefix: second.prefix,
          created_at: second.created_at,
          last_used_at: null,
          revoked_at: null,
          requests_today: 0,
        },
        expect.objectContaining({ id: first.id, name: 'first', revoked_at: expect.any(String) }),
      ]);
      expect(JSON.stringify(body)).not.toContain(second.secret);
    });
  });

  describe('GET /v1/api-keys/{id}', () => {
    it("answers 404 for another user's key, and shows any key to an admin", async () => {
      const key = (await create(aliceToken, 'deploys')).body;

      const asBob = await api.call<ProblemDocument>('GET', `/v1/api-keys/${key.id}`, { token: bobToken });
      const asAdmin = await api.call<ApiKeyResource>('GET', `/v1/api-keys/${key.id}`, { token: adminToken });

      expect(asBob.status).toBe(404);
      expect(asBob.body.code).toBe('API_KEYS.NOT_FOUND');
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body).toMatchObject({ id: key.id, name: 'deploys' });
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', '/v1/api-keys/key-1', { token: aliceToken });

      expect(status).toBe(400);
      expect(body.errors).toEqual([{ field: 'id', description: 'must be an API key id (a UUID), got "key-1"' }]);
    });
  });

  describe('POST /v1/api-keys/{id}:revoke', () => {
    it('revokes a key of the caller, and revoking it again keeps the first time', async () => {
      const key = (await create(aliceToken, 'old laptop')).body;

      const revoked = await api.call<ApiKeyResource>('POST', `/v1/api-keys/${key.id}:revoke`, { token: aliceToken });
      const again = await api.call<ApiKeyResource>('POST', `/v1/api-keys/${key.id}:revoke`, { token: aliceToken });

      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: key.id, revoked_at: expect.any(String) });
      expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
      const [row] = await api.database.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row?.revokedAt?.toISOString()).toBe(revoked.body.revoked_at);
    });

    it('answers 404 to another customer, and the key keeps working', async () => {
      const key = await api.apiKeyFor(alice, 'keep me');

      const { status, body } = await api.call<ProblemDocument>('POST', `/v1/api-keys/${key.id}:revoke`, { token: bobToken });

      expect(status).toBe(404);
      expect(body.code).toBe('API_KEYS.NOT_FOUND');
      expect((await api.call('GET', '/v1/users/me', { headers: { 'x-api-key': key.secret } })).status).toBe(200);
    });

    it("lets an admin revoke anyone's key", async () => {
      const key = await api.apiKeyFor(alice, 'leaked');

      const { status } = await api.call('POST', `/v1/api-keys/${key.id}:revoke`, { token: adminToken });

      expect(status).toBe(200);
      expect((await api.call('GET', '/v1/users/me', { headers: { 'x-api-key': key.secret } })).status).toBe(401);
    });
  });

  it('refuses to be managed with an API key, so a leaked key cannot make or revoke keys', async () => {
    const key = await api.apiKeyFor(alice, 'script');
    const headers = { 'x-api-key': key.secret };

    const attempts = await Promise.all([
      api.call<ProblemDocument>('POST', '/v1/api-keys', { headers, body: { name: 'successor' } }),
      api.call<ProblemDocument>('GET', '/v1/api-keys', { headers }),
      api.call<ProblemDocument>('POST', `/v1/api-keys/${key.id}:revoke`, { headers }),
    ]);

    for (const { status, body } of attempts) {
      expect(status).toBe(403);
      expect(body).toMatchObject({ code: 'AUTH.PERMISSION_DENIED', detail: expect.stringContaining('An API key cannot do this') });
    }
    const [row] = await api.database.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row?.revokedAt).toBeNull();
  });
});
