import type { ProblemDocument } from '@triad/platform';
import { clientCredentialsRequest } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';
import type { CreatedOAuthClientResource, OAuthClientListResource } from './oauth-clients.dto.js';

describe('/v1/oauth-clients', () => {
  let api: TestRestApi;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['users-service'] });
    ({ alice, bob } = api.services.accounts);
  });
  afterAll(() => api?.close());

  const register = (token: string, body: unknown) => api.call<CreatedOAuthClientResource>('POST', '/v1/oauth-clients', { token, body });
  /** The client-credentials grant at the edge's own address, which passes `/oidc/…` on to users-service. */
  const tokenFor = (client: CreatedOAuthClientResource) =>
    clientCredentialsRequest(`${api.url}/oidc/token`, { clientId: client.client_id, clientSecret: client.client_secret });

  describe('POST /v1/oauth-clients', () => {
    it('answers 201 with the secret once, and the client gets tokens that act for its owner', async () => {
      const { status, headers, body } = await register(alice.token, { name: ' nightly export ', scopes: ['orders:read'] });

      expect(status).toBe(201);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('location')).toBe('/v1/oauth-clients');
      expect(body).toEqual({
        client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        client_secret: expect.stringMatching(/^triad_cs_[\w-]{43}$/),
        name: 'nightly export',
        scopes: ['orders:read'],
        created_at: expect.any(String),
        token_endpoint: 'http://users-service.test/oidc/token',
      });

      const token = await tokenFor(body);
      expect(token).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'orders:read', expires_in: 300 } });
      const me = await api.call<{ id: string }>('GET', '/v1/users/me', { token: token.body.access_token });
      expect(me).toMatchObject({ status: 200, body: { id: alice.id } });
    });

    it('refuses hostile values with 400 problem+json naming the field', async () => {
      const cases: [unknown, string, string][] = [
        [{ name: 'nul\u0000byte', scopes: ['orders:read'] }, 'OAUTH_CLIENTS.INVALID_INPUT', 'name'],
        [{ name: 'x'.repeat(100_000), scopes: ['orders:read'] }, 'OAUTH_CLIENTS.INVALID_INPUT', 'name'],
        [{ name: 'made up', scopes: ['orders:delete'] }, 'OAUTH_CLIENTS.INVALID_INPUT', 'scopes[0]'],
        [{ name: 'not mine', scopes: ['catalog:write'] }, 'OAUTH_CLIENTS.INVALID_INPUT', 'scopes[0]'],
        [{ name: 'none', scopes: [] }, 'OAUTH_CLIENTS.INVALID_INPUT', 'scopes'],
        [{ name: 'a string', scopes: 'orders:read' }, 'REQUEST.INVALID_FIELDS', 'scopes'],
        [{ name: 'too many', scopes: Array.from({ length: 11 }, () => 'orders:read') }, 'REQUEST.INVALID_FIELDS', 'scopes'],
        [{ scopes: ['orders:read'] }, 'REQUEST.INVALID_FIELDS', 'name'],
      ];

      for (const [body, code, field] of cases) {
        const response = await api.call<ProblemDocument>('POST', '/v1/oauth-clients', { token: bob.token, body });
        expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(response.body).toMatchObject({ code, errors: expect.arrayContaining([expect.objectContaining({ field })]) });
        expect(JSON.stringify(response.body)).not.toContain('x'.repeat(200));
      }
      expect((await api.call<OAuthClientListResource>('GET', '/v1/oauth-clients', { token: bob.token })).body.oauth_clients).toEqual([]);
    });

    it('answers 401 without an access token and 403 to an API key', async () => {
      const key = await api.apiKeyFor(alice, 'script');
      const body = { name: 'successor', scopes: ['orders:read'] };

      const anonymous = await api.call<ProblemDocument>('POST', '/v1/oauth-clients', { body });
      const byKey = await api.call<ProblemDocument>('POST', '/v1/oauth-clients', { headers: { 'x-api-key': key.secret }, body });

      expect(anonymous).toMatchObject({ status: 401, body: { code: 'AUTH.UNAUTHENTICATED' } });
      expect(byKey).toMatchObject({ status: 403, body: { code: 'AUTH.PERMISSION_DENIED' } });
    });
  });

  describe('GET /v1/oauth-clients', () => {
    it("lists only the caller's live clients, newest first, never with a secret", async () => {
      const carol = api.services.accounts.carol;
      const first = (await register(carol.token, { name: 'first', scopes: ['orders:read'] })).body;
      const second = (await register(carol.token, { name: 'second', scopes: ['orders:write', 'orders:read'] })).body;
      await api.call('DELETE', `/v1/oauth-clients/${first.client_id}`, { token: carol.token });

      const { status, headers, body } = await api.call<OAuthClientListResource>('GET', '/v1/oauth-clients', { token: carol.token });

      expect(status).toBe(200);
      expect(headers.get('cache-control')).toBe('private, no-cache');
      expect(body.oauth_clients).toEqual([
        { client_id: second.client_id, name: 'second', scopes: ['orders:read', 'orders:write'], created_at: second.created_at },
      ]);
      expect(JSON.stringify(body)).not.toContain(second.client_secret);
    });
  });

  describe('DELETE /v1/oauth-clients/{id}', () => {
    it('answers 204, and the client gets no new token from then on', async () => {
      const client = (await register(alice.token, { name: 'old laptop', scopes: ['orders:read'] })).body;
      expect((await tokenFor(client)).status).toBe(200);

      const revoked = await api.call('DELETE', `/v1/oauth-clients/${client.client_id}`, { token: alice.token });
      const again = await api.call<ProblemDocument>('DELETE', `/v1/oauth-clients/${client.client_id}`, { token: alice.token });

      expect(revoked.status).toBe(204);
      expect(revoked.body).toBe('');
      expect(await tokenFor(client)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(again).toMatchObject({ status: 404, body: { code: 'OAUTH_CLIENTS.NOT_FOUND' } });
    });

    it("answers 404 for someone else's client, which keeps working, and 400 for an id that is not a UUID", async () => {
      const client = (await register(alice.token, { name: 'keep me', scopes: ['orders:read'] })).body;

      const asBob = await api.call<ProblemDocument>('DELETE', `/v1/oauth-clients/${client.client_id}`, { token: bob.token });
      const malformed = await api.call<ProblemDocument>('DELETE', '/v1/oauth-clients/%00', { token: alice.token });

      expect(asBob).toMatchObject({ status: 404, body: { code: 'OAUTH_CLIENTS.NOT_FOUND' } });
      expect((await tokenFor(client)).status).toBe(200);
      expect(malformed.status).toBe(400);
    });
  });

  it("refuses to be managed with a client's own token, so a script cannot make itself more", async () => {
    const client = (await register(alice.token, { name: 'script', scopes: ['orders:read', 'orders:write'] })).body;
    const token = (await tokenFor(client)).body.access_token;

    const attempts = await Promise.all([
      api.call<ProblemDocument>('POST', '/v1/oauth-clients', { token, body: { name: 'successor', scopes: ['orders:read'] } }),
      api.call<ProblemDocument>('GET', '/v1/oauth-clients', { token }),
      api.call<ProblemDocument>('DELETE', `/v1/oauth-clients/${client.client_id}`, { token }),
      api.call<ProblemDocument>('POST', '/v1/api-keys', { token, body: { name: 'successor' } }),
    ]);

    for (const { status, body } of attempts) expect({ status, code: body.code }).toEqual({ status: 403, code: 'AUTH.USER_ONLY' });
    expect((await tokenFor(client)).status).toBe(200);
  });
});
