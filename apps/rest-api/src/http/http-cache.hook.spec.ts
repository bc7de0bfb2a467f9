import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductResource } from '../products/products.dto.js';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';

describe('HTTP caching', () => {
  let api: TestRestApi;
  let mug: { id: string };
  let alice: Account;
  let aliceToken: string;
  let orderPath: string;

  beforeAll(async () => {
    api = await startTestRestApi();
    mug = await api.services.addProduct({ sku: 'MUG', name: 'Blue mug', amountMinor: 1299, stockOnHand: 10 });
    ({ alice } = api.services.accounts);
    aliceToken = alice.token;
    const placed = await api.call('POST', '/v1/orders', {
      token: aliceToken,
      body: { items: [{ product_id: mug.id, quantity: 1 }] },
      headers: { 'idempotency-key': randomUUID() },
    });
    orderPath = placed.headers.get('location')!;
  });
  afterAll(() => api?.close());

  describe('conditional GET', () => {
    it('tags a response with a strong ETag and answers 304 with no body while the client holds that version', async () => {
      const first = await api.call<ProductResource>('GET', `/v1/products/${mug.id}`);
      const etag = first.headers.get('etag')!;

      const again = await api.call<string>('GET', `/v1/products/${mug.id}`, { headers: { 'if-none-match': etag } });

      expect(first.status).toBe(200);
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(again.status).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('public, max-age=60');
    });

    it('matches a tag anywhere in a list, a weak form of the tag, and *', async () => {
      const { headers } = await api.call('GET', `/v1/products/${mug.id}`);
      const etag = headers.get('etag')!;

      for (const ifNoneMatch of [`"elsewhere", ${etag}`, `W/${etag}`, '*']) {
        const { status } = await api.call('GET', `/v1/products/${mug.id}`, { headers: { 'if-none-match': ifNoneMatch } });
        expect(status, ifNoneMatch).toBe(304);
      }
    });

    it('answers 200 with the new version and a new ETag once the resource has changed', async () => {
      const before = await api.call<ProductResource>('GET', `/v1/products/${mug.id}`);
      await api.call('POST', '/v1/orders', {
        token: aliceToken,
        body: { items: [{ product_id: mug.id, quantity: 2 }] },
        headers: { 'idempotency-key': randomUUID() },
      });

      const after = await api.call<ProductResource>('GET', `/v1/products/${mug.id}`, {
        headers: { 'if-none-match': before.headers.get('etag')! },
      });

      expect(after.status).toBe(200);
      expect(after.body.stock_on_hand).toBe(before.body.stock_on_hand - 2);
      expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    });

    it('revalidates the private resources of a signed-in user too', async () => {
      const first = await api.call('GET', orderPath, { token: aliceToken });
      const again = await api.call('GET', orderPath, { token: aliceToken, headers: { 'if-none-match': first.headers.get('etag')! } });

      expect(again.status).toBe(304);
    });

    it('does not tag errors', async () => {
      const { status, headers } = await api.call('GET', '/v1/products/01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10');

      expect(status).toBe(404);
      expect(headers.get('etag')).toBeNull();
      expect(headers.get('cache-control')).toBeNull();
    });
  });

  describe('Cache-Control', () => {
    it('lets any cache keep the public catalog for a minute', async () => {
      for (const path of ['/v1/products', `/v1/products/${mug.id}`]) {
        const { headers } = await api.call('GET', path);
        expect(headers.get('cache-control'), path).toBe('public, max-age=60');
        expect(headers.get('vary') ?? '', path).not.toMatch(/authorization/i);
      }
    });

    it("keeps a user's own data in their client only, revalidated before each use, and varying by token or key", async () => {
      const adminToken = api.services.accounts.admin.token;
      const paths = ['/v1/users/me', `/v1/users/${alice.id}`, '/v1/users', orderPath, `/v1/users/${alice.id}/orders`];

      for (const path of paths) {
        const { status, headers } = await api.call('GET', path, { token: adminToken });
        expect(status, path).toBe(200);
        expect(headers.get('cache-control'), path).toBe('private, no-cache');
        expect(headers.get('vary'), path).toMatch(/\bAuthorization\b/);
        expect(headers.get('vary'), path).toMatch(/\bX-API-Key\b/);
      }
    });

    it('lets no cache keep an access token', async () => {
      const { headers } = await api.call('POST', '/v1/auth/token', { body: { email: 'alice@triad.dev', password: 'alice-password' } });

      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('etag')).toBeNull();
    });
  });
});
