import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { ProductListResource, ProductResource } from './products.dto.js';

describe('/v1/products', () => {
  let api: TestRestApi;
  let mug: { id: string };
  let tea: { id: string };
  let teapot: { id: string };

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['catalog-service'] });
    const { addProduct } = api.services;
    mug = await addProduct({
      sku: 'MUG-BLUE-350',
      name: 'Blue mug',
      description: 'Stoneware, 350 ml.',
      amountMinor: 1299,
      stockOnHand: 12,
    });
    tea = await addProduct({ sku: 'TEA-EARL-100', name: 'Earl Grey', amountMinor: 650, stockOnHand: 40 });
    teapot = await addProduct({ sku: 'POT-WHITE-1L', name: 'White teapot', amountMinor: 3450, stockOnHand: 3 });
  });
  afterAll(() => api?.close());

  describe('GET /v1/products', () => {
    it('lists the catalog to anyone, without a token, with prices as whole minor units', async () => {
      const { status, body } = await api.call<ProductListResource>('GET', '/v1/products');

      expect(status).toBe(200);
      expect(body.next_page_token).toBeNull();
      expect(body.products.map((product) => product.sku)).toEqual(['MUG-BLUE-350', 'TEA-EARL-100', 'POT-WHITE-1L']);
      expect(body.products[0]).toEqual({
        id: mug.id,
        sku: 'MUG-BLUE-350',
        name: 'Blue mug',
        description: 'Stoneware, 350 ml.',
        price: { amount_minor: 1299, currency_code: 'USD' },
        stock_on_hand: 12,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        updated_at: body.products[0]!.created_at,
      });
    });

    it('pages through the catalog', async () => {
      const first = await api.call<ProductListResource>('GET', '/v1/products?page_size=2');
      const token = encodeURIComponent(first.body.next_page_token!);
      const second = await api.call<ProductListResource>('GET', `/v1/products?page_size=2&page_token=${token}`);

      expect(first.body.products.map((product) => product.id)).toEqual([mug.id, tea.id]);
      expect(second.body.products.map((product) => product.id)).toEqual([teapot.id]);
      expect(second.body.next_page_token).toBeNull();
    });

    it('searches names and SKUs, ignoring case', async () => {
      const { body } = await api.call<ProductListResource>('GET', '/v1/products?search=TEA');

      expect(body.products.map((product) => product.name)).toEqual(['Earl Grey', 'White teapot']);
    });

    it('names the search parameter as the client sent it when it is too long', async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', `/v1/products?search=${'x'.repeat(101)}`);

      expect(status).toBe(400);
      expect(body).toMatchObject({
        code: 'CATALOG.INVALID_INPUT',
        errors: [{ field: 'search', description: 'must be at most 100 characters' }],
      });
    });
  });

  describe('GET /v1/products/{id}', () => {
    it('returns the product to anyone', async () => {
      const { status, body } = await api.call<ProductResource>('GET', `/v1/products/${tea.id}`);

      expect(status).toBe(200);
      expect(body).toMatchObject({ id: tea.id, name: 'Earl Grey', price: { amount_minor: 650, currency_code: 'USD' }, stock_on_hand: 40 });
    });

    it('answers 404 with a problem document for an unknown id', async () => {
      const id = '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10';
      const { status, headers, body } = await api.call<ProblemDocument>('GET', `/v1/products/${id}`);

      expect(status).toBe(404);
      expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(body).toMatchObject({
        code: 'CATALOG.PRODUCT_NOT_FOUND',
        detail: `No product has the id ${id}.`,
        instance: `/v1/products/${id}`,
      });
    });

    it('answers 400 for an id that is not a UUID', async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', '/v1/products/blue-mug');

      expect(status).toBe(400);
      expect(body.errors).toEqual([{ field: 'id', description: 'must be a product id (a UUID), got "blue-mug"' }]);
    });
  });
});
