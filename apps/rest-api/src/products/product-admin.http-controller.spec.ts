import { randomUUID } from 'node:crypto';
import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { ProductResource } from './products.dto.js';

describe('changing the catalog', () => {
  let api: TestRestApi;
  let adminToken: string;
  let customerToken: string;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['catalog-service'] });
    adminToken = api.services.accounts.admin.token;
    customerToken = api.services.accounts.alice.token;
  });
  afterAll(() => api?.close());

  const mug = { sku: 'MUG-BLUE-350', name: 'Blue mug', price: { amount_minor: 1299, currency_code: 'USD' }, stock_on_hand: 12 };
  /** A teapot of its own, as the catalog shows it. */
  const addTeapot = async () => {
    const { id } = await api.services.addProduct({
      sku: `POT-${randomUUID()}`,
      name: 'Teapot',
      description: 'White.',
      amountMinor: 3450,
      stockOnHand: 3,
    });
    return productWithId(id);
  };
  const productWithId = async (id: string) => (await api.call<ProductResource>('GET', `/v1/products/${id}`)).body;

  describe('POST /v1/products', () => {
    it('creates the product for an admin and answers 201 with its Location', async () => {
      const { status, headers, body } = await api.call<ProductResource>('POST', '/v1/products', { token: adminToken, body: mug });

      expect(status).toBe(201);
      expect(body).toEqual({
        id: expect.any(String),
        sku: 'MUG-BLUE-350',
        name: 'Blue mug',
        description: '',
        price: { amount_minor: 1299, currency_code: 'USD' },
        stock_on_hand: 12,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        updated_at: body.created_at,
      });
      expect(headers.get('location')).toBe(`/v1/products/${body.id}`);
      expect((await api.call<ProductResource>('GET', headers.get('location')!)).body).toEqual(body);
    });

    it('answers 403 to a customer and creates nothing', async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/products', {
        token: customerToken,
        body: { ...mug, sku: 'BY-A-CUSTOMER' },
      });

      expect(status).toBe(403);
      expect(body.code).toBe('AUTH.PERMISSION_DENIED');
      expect(await api.productWithSku('BY-A-CUSTOMER')).toBeUndefined();
    });

    it('answers 401 without a token', async () => {
      const { status } = await api.call('POST', '/v1/products', { body: mug });

      expect(status).toBe(401);
    });

    it('lists every field that is missing or of the wrong type', async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/products', {
        token: adminToken,
        body: { name: 42, price: { amount_minor: 12.5 }, colour: 'blue' },
      });

      expect(status).toBe(400);
      expect(body.code).toBe('REQUEST.INVALID_FIELDS');
      expect(body.errors).toEqual([
        { field: 'colour', description: 'is not a field of this request; remove it' },
        { field: 'sku', description: 'is required' },
        { field: 'name', description: 'must be a string' },
        { field: 'price.amount_minor', description: 'must be a whole number of minor units, such as 1999 for 19.99' },
        { field: 'price.currency_code', description: 'is required' },
        { field: 'stock_on_hand', description: 'is required' },
      ]);
    });

    it("lists the fields that break catalog-service's rules", async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/products', {
        token: adminToken,
        body: { ...mug, sku: 'EMPTY-NAME', name: ' ', stock_on_hand: -1 },
      });

      expect(status).toBe(400);
      expect(body).toMatchObject({
        code: 'CATALOG.INVALID_INPUT',
        errors: [
          { field: 'name', description: 'must not be empty' },
          { field: 'stock_on_hand', description: 'must be 0 or more' },
        ],
      });
    });

    it('answers 409 when another product has the SKU', async () => {
      const teapot = await addTeapot();
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/products', {
        token: adminToken,
        body: { ...mug, sku: teapot.sku },
      });

      expect(status).toBe(409);
      expect(body.code).toBe('CATALOG.SKU_TAKEN');
    });
  });

  describe('PATCH /v1/products/{id}', () => {
    it('changes only the fields the body has', async () => {
      const teapot = await addTeapot();
      const { status, body } = await api.call<ProductResource>('PATCH', `/v1/products/${teapot.id}`, {
        token: adminToken,
        body: { price: { amount_minor: 2999, currency_code: 'USD' }, stock_on_hand: 10 },
      });

      expect(status).toBe(200);
      expect(body).toMatchObject({
        id: teapot.id,
        sku: teapot.sku,
        name: 'Teapot',
        description: 'White.',
        price: { amount_minor: 2999, currency_code: 'USD' },
        stock_on_hand: 10,
        created_at: teapot.created_at,
      });
      expect(Date.parse(body.updated_at)).toBeGreaterThanOrEqual(Date.parse(teapot.updated_at));
      expect((await api.call<ProductResource>('GET', `/v1/products/${teapot.id}`)).body).toEqual(body);
    });

    it('refuses null, which cannot unset a field, rather than read it as "leave unchanged"', async () => {
      const teapot = await addTeapot();
      const { status, body } = await api.call<ProblemDocument>('PATCH', `/v1/products/${teapot.id}`, {
        token: adminToken,
        body: { name: null, description: null },
      });

      expect(status).toBe(400);
      expect(body.errors).toEqual([
        { field: 'name', description: 'is required' },
        { field: 'description', description: 'must be a string' },
      ]);
      expect(await productWithId(teapot.id)).toEqual(teapot);
    });

    it('answers 403 to a customer and changes nothing', async () => {
      const teapot = await addTeapot();
      const { status } = await api.call('PATCH', `/v1/products/${teapot.id}`, { token: customerToken, body: { stock_on_hand: 0 } });

      expect(status).toBe(403);
      expect(await productWithId(teapot.id)).toEqual(teapot);
    });

    it('answers 404 for an unknown product and 400 for an id that is not a UUID', async () => {
      const unknown = await api.call<ProblemDocument>('PATCH', '/v1/products/01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10', {
        token: adminToken,
        body: { name: 'Mug' },
      });
      const malformed = await api.call<ProblemDocument>('PATCH', '/v1/products/blue-mug', { token: adminToken, body: { name: 'Mug' } });

      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('CATALOG.PRODUCT_NOT_FOUND');
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([{ field: 'id', description: 'must be a product id (a UUID), got "blue-mug"' }]);
    });
  });
});
