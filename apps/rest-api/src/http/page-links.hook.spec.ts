import { randomUUID } from 'node:crypto';
import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

/** The target of a `Link: <…>; rel="next"` header, or null when there is none. */
function nextLink(headers: Headers): string | null {
  const link = headers.get('link');
  if (link === null) return null;
  const match = /^<([^>]+)>; rel="next"$/.exec(link);
  if (!match?.[1]) throw new Error(`not a next-page link: ${link}`);
  return match[1];
}

describe('list pages', () => {
  let api: TestRestApi;
  let adminToken: string;
  let firstProductId: string;

  beforeAll(async () => {
    api = await startTestRestApi();
    const ids: string[] = [];
    for (const sku of ['TEA-1', 'MUG-1', 'TEA-2', 'TEA-3', 'MUG-2', 'TEA-4', 'TEA-5']) {
      ids.push((await api.services.addProduct({ sku, name: sku, amountMinor: 100, stockOnHand: 100 })).id);
    }
    firstProductId = ids[0]!;
    adminToken = api.services.accounts.admin.token;
  });
  afterAll(() => api?.close());

  /** Follows `Link: rel="next"` from `path` to the last page; returns each page's items and each link followed. */
  async function followLinks<Page extends Record<string, unknown>>(path: string, items: keyof Page, token?: string) {
    const pages: unknown[][] = [];
    const links: string[] = [];
    let next: string | null = path;
    while (next !== null) {
      const { status, headers, body } = await api.call<Page>('GET', next, token === undefined ? {} : { token });
      expect(status, next).toBe(200);
      pages.push(body[items] as unknown[]);
      next = nextLink(headers);
      if (next !== null) links.push(next);
      expect(links.length, 'pages followed').toBeLessThan(10);
    }
    return { pages, links };
  }

  it('links each page of the catalog to the next, keeping the search and page size, until the last', async () => {
    const { pages, links } = await followLinks('/v1/products?search=tea&page_size=2', 'products');

    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat().map((product) => (product as { sku: string }).sku)).toEqual(['TEA-1', 'TEA-2', 'TEA-3', 'TEA-4', 'TEA-5']);
    for (const link of links) expect(link).toMatch(/^\/v1\/products\?search=tea&page_size=2&page_token=[\w-]+$/);
  });

  it("links the pages of the users list and of a user's orders", async () => {
    const buyer = await api.services.signUp('Buyer');
    const buyerToken = buyer.token;
    for (let i = 0; i < 3; i++) {
      await api.call('POST', '/v1/orders', {
        token: buyerToken,
        body: { items: [{ product_id: firstProductId, quantity: 1 }] },
        headers: { 'idempotency-key': randomUUID() },
      });
    }

    const users = await followLinks('/v1/users?page_size=1', 'users', adminToken);
    const orders = await followLinks(`/v1/users/${buyer.id}/orders?page_size=2`, 'orders', buyerToken);

    const everyone = await api.call<{ users: unknown[] }>('GET', '/v1/users?page_size=100', { token: adminToken });
    expect(users.pages.flat()).toEqual(everyone.body.users);
    expect(orders.pages.map((page) => page.length)).toEqual([2, 1]);
    expect(orders.links).toEqual([expect.stringMatching(new RegExp(`^/v1/users/${buyer.id}/orders\\?page_size=2&page_token=`))]);
  });

  it('sends no Link when everything fits on one page', async () => {
    const { headers, body } = await api.call<{ next_page_token: string | null }>('GET', '/v1/products');

    expect(body.next_page_token).toBeNull();
    expect(headers.get('link')).toBeNull();
  });

  it.each(['0', '-1', '101'])('answers 400 naming page_size and its range for page_size=%s', async (size) => {
    const { status, body } = await api.call<ProblemDocument>('GET', `/v1/products?page_size=${size}`);

    expect(status).toBe(400);
    expect(body.errors).toEqual([{ field: 'page_size', description: 'must be between 1 and 100; leave it out for 20' }]);
  });

  it('accepts both ends of the range', async () => {
    expect((await api.call('GET', '/v1/products?page_size=1')).status).toBe(200);
    expect((await api.call('GET', '/v1/products?page_size=100')).status).toBe(200);
  });
});
