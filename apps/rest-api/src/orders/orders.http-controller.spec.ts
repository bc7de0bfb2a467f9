import { randomUUID } from 'node:crypto';
import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductResource } from '../products/products.dto.js';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';
import type { OrderListResource, OrderResource } from './orders.dto.js';

describe('/v1/orders', () => {
  let api: TestRestApi;
  let alice: Account;
  let aliceToken: string;
  let bobToken: string;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestRestApi();
    ({ alice } = api.services.accounts);
    aliceToken = alice.token;
    bobToken = api.services.accounts.bob.token;
    adminToken = api.services.accounts.admin.token;
  });
  afterAll(() => api?.close());

  /** A product of its own for each test, so stock counts do not depend on the order tests run in. */
  const addMug = (stockOnHand = 5) =>
    api.services.addProduct({ sku: `MUG-${randomUUID()}`, name: 'Blue mug', amountMinor: 1299, stockOnHand });

  const place = <Body = OrderResource>(token: string, items: unknown, key: string = randomUUID()) =>
    api.call<Body>('POST', '/v1/orders', { token, body: { items }, headers: { 'idempotency-key': key } });

  const stockOf = async (product: { id: string }) =>
    (await api.call<ProductResource>('GET', `/v1/products/${product.id}`)).body.stock_on_hand;

  describe('POST /v1/orders', () => {
    it('places the order for the caller and answers 201 with its Location', async () => {
      const mug = await addMug(5);
      const { status, headers, body } = await place(aliceToken, [{ product_id: mug.id, quantity: 2 }]);

      expect(status).toBe(201);
      expect(body).toEqual({
        id: expect.any(String),
        user_id: alice.id,
        status: 'pending',
        items: [
          {
            product_id: mug.id,
            quantity: 2,
            unit_price: { amount_minor: 1299, currency_code: 'USD' },
            line_total: { amount_minor: 2598, currency_code: 'USD' },
          },
        ],
        total: { amount_minor: 2598, currency_code: 'USD' },
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      // orders-service records the order when it claims the key, and completes it once the stock is reserved.
      expect(Date.parse(body.updated_at)).toBeGreaterThanOrEqual(Date.parse(body.created_at));
      expect(headers.get('location')).toBe(`/v1/orders/${body.id}`);
      expect((await api.call<OrderResource>('GET', headers.get('location')!, { token: aliceToken })).body).toEqual(body);
      expect(await stockOf(mug)).toBe(3);
    });

    it('answers a retry with the same key and items with the same order, again as 201, and takes the stock once', async () => {
      const mug = await addMug(5);
      const key = randomUUID();
      const first = await place(aliceToken, [{ product_id: mug.id, quantity: 2 }], key);
      const retry = await place(aliceToken, [{ product_id: mug.id, quantity: 2 }], key);

      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers.get('location')).toBe(first.headers.get('location'));
      expect(await stockOf(mug)).toBe(3);
    });

    it('answers 422 when the key was already used for other items', async () => {
      const mug = await addMug(5);
      const key = randomUUID();
      await place(aliceToken, [{ product_id: mug.id, quantity: 1 }], key);

      const { status, body } = await place<ProblemDocument>(aliceToken, [{ product_id: mug.id, quantity: 4 }], key);

      expect(status).toBe(422);
      expect(body).toMatchObject({
        type: 'https://triad.dev/problems/failed-precondition',
        title: 'Failed precondition',
        code: 'ORDERS.IDEMPOTENCY_KEY_REUSED',
        detail: `The idempotency key ${key} was already used for a different order: use a new key for a new order.`,
      });
      expect(await stockOf(mug)).toBe(4);
    });

    it('answers 422 naming the product when there is not enough stock, and takes none', async () => {
      const mug = await addMug(1);
      const { status, body } = await place<ProblemDocument>(aliceToken, [{ product_id: mug.id, quantity: 3 }]);

      expect(status).toBe(422);
      expect(body).toMatchObject({
        code: 'CATALOG.OUT_OF_STOCK',
        detail: `Not enough stock of Blue mug (${mug.sku}): 3 requested, 1 available.`,
      });
      expect(await stockOf(mug)).toBe(1);
    });

    it.each([
      ['missing', {}],
      ['blank', { 'idempotency-key': '  ' }],
    ])('answers 400 naming the Idempotency-Key header when it is %s', async (_case, headers) => {
      const mug = await addMug();
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/orders', {
        token: aliceToken,
        body: { items: [{ product_id: mug.id, quantity: 1 }] },
        headers,
      });

      expect(status).toBe(400);
      expect(body.code).toBe('REQUEST.IDEMPOTENCY_KEY_MISSING');
      expect(body.errors).toEqual([{ field: 'Idempotency-Key', description: expect.stringMatching(/^is required/) }]);
      expect(await stockOf(mug)).toBe(5);
    });

    it('lists every field of a malformed body, including ones the API does not have', async () => {
      const missing = await api.call<ProblemDocument>('POST', '/v1/orders', {
        token: aliceToken,
        body: {},
        headers: { 'idempotency-key': randomUUID() },
      });
      const malformed = await api.call<ProblemDocument>('POST', '/v1/orders', {
        token: aliceToken,
        body: { items: [{ product_id: 42, quantity: 'two', colour: 'blue' }, 'mug'], user_id: alice.id },
        headers: { 'idempotency-key': randomUUID() },
      });

      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([{ field: 'items', description: 'is required' }]);
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('REQUEST.INVALID_FIELDS');
      expect(malformed.body.errors).toEqual([
        { field: 'user_id', description: 'is not a field of this request; remove it' },
        { field: 'items[0].colour', description: 'is not a field of this request; remove it' },
        { field: 'items[0].product_id', description: 'must be a string' },
        { field: 'items[0].quantity', description: 'must be a whole number' },
        { field: 'items[1]', description: 'must be an object such as { "product_id": "…", "quantity": 1 }' },
      ]);
    });

    it("passes on orders-service's own rules, with each field named as the client sent it", async () => {
      const { status, body } = await place<ProblemDocument>(aliceToken, [{ product_id: 'blue-mug', quantity: 0 }], 'k'.repeat(129));

      expect(status).toBe(400);
      expect(body.code).toBe('ORDERS.INVALID_INPUT');
      expect(body.errors).toEqual([
        { field: 'Idempotency-Key', description: 'must be at most 128 characters' },
        { field: 'items[0].product_id', description: 'must be a product id (a UUID)' },
        { field: 'items[0].quantity', description: 'must be at least 1' },
      ]);
    });

    it('answers 401 without a token, and places nothing', async () => {
      const mug = await addMug(5);
      const { status, headers } = await api.call<ProblemDocument>('POST', '/v1/orders', {
        body: { items: [{ product_id: mug.id, quantity: 1 }] },
        headers: { 'idempotency-key': randomUUID() },
      });

      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toBe('Bearer');
      expect(await stockOf(mug)).toBe(5);
    });
  });

  describe('GET /v1/orders/{id}', () => {
    let order: OrderResource;
    beforeAll(async () => (order = (await place(aliceToken, [{ product_id: (await addMug()).id, quantity: 1 }])).body));

    it('returns the order to its owner and to an admin', async () => {
      const owner = await api.call<OrderResource>('GET', `/v1/orders/${order.id}`, { token: aliceToken });
      const admin = await api.call<OrderResource>('GET', `/v1/orders/${order.id}`, { token: adminToken });

      expect(owner.status).toBe(200);
      expect(owner.body).toEqual(order);
      expect(admin.body).toEqual(order);
    });

    it("answers 404 for another customer's order, exactly as for an unknown id", async () => {
      const unknownId = '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10';
      const theirs = await api.call<ProblemDocument>('GET', `/v1/orders/${order.id}`, { token: bobToken });
      const unknown = await api.call<ProblemDocument>('GET', `/v1/orders/${unknownId}`, { token: bobToken });

      expect(theirs.status).toBe(404);
      expect(theirs.body).toMatchObject({ code: 'ORDERS.NOT_FOUND', detail: `No order has the id ${order.id}.` });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('ORDERS.NOT_FOUND');
    });

    it('answers 401 without a token', async () => {
      expect((await api.call('GET', `/v1/orders/${order.id}`)).status).toBe(401);
    });
  });

  describe('GET /v1/orders', () => {
    // The admin's own orders: the list is always the caller's, whoever the caller is.
    let ownerToken: string;
    let mug: ProductResource;
    let lamp: ProductResource;
    let placed: OrderResource[];

    beforeAll(async () => {
      ownerToken = adminToken;
      const [addedMug, addedLamp] = await Promise.all([
        addMug(),
        api.services.addProduct({ sku: `LAMP-${randomUUID()}`, name: 'Desk lamp', amountMinor: 4500, stockOnHand: 5 }),
      ]);
      [mug, lamp] = [{ id: addedMug.id } as ProductResource, { id: addedLamp.id } as ProductResource];
      placed = [];
      placed.push((await place(ownerToken, [{ product_id: mug.id, quantity: 1 }])).body);
      placed.push(
        (
          await place(ownerToken, [
            { product_id: mug.id, quantity: 2 },
            { product_id: lamp.id, quantity: 1 },
          ])
        ).body,
      );
      mug = (await api.call<ProductResource>('GET', `/v1/products/${mug.id}`)).body;
      lamp = (await api.call<ProductResource>('GET', `/v1/products/${lamp.id}`)).body;
    });

    it("lists the caller's own orders only, newest first, without products unless asked", async () => {
      await place(aliceToken, [{ product_id: mug.id, quantity: 1 }]);
      const { status, body } = await api.call<OrderListResource>('GET', '/v1/orders', { token: ownerToken });

      expect(status).toBe(200);
      expect(body).toEqual({ orders: [...placed].reverse(), next_page_token: null });
      expect(body.orders[0]!.items[0]).not.toHaveProperty('product');
    });

    it("brings each item's product along with expand=items.product, and keeps it in the next page's link", async () => {
      const first = await api.call<OrderListResource>('GET', '/v1/orders?expand=items.product&page_size=1', { token: ownerToken });

      expect(first.status).toBe(200);
      expect(first.body.orders.map((order) => order.items)).toEqual([
        [
          { ...placed[1]!.items[0], product: { ...mug, stock_on_hand: expect.any(Number), updated_at: expect.any(String) } },
          { ...placed[1]!.items[1], product: { ...lamp, stock_on_hand: expect.any(Number), updated_at: expect.any(String) } },
        ],
      ]);
      const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
      expect(next).toMatch(/^\/v1\/orders\?expand=items\.product&page_size=1&page_token=/);

      const second = await api.call<OrderListResource>('GET', next!, { token: ownerToken });
      expect(second.body.orders.map((order) => order.id)).toEqual([placed[0]!.id]);
      expect(second.body.orders[0]!.items[0]!.product).toMatchObject({ id: mug.id, name: 'Blue mug', sku: mug.sku });
      expect(second.body.next_page_token).toBeNull();
    });

    // A NUL or a broken escape is refused before any route (REQUEST.MALFORMED_URL, see hostile-requests.spec.ts).
    it('answers 400 naming expand for anything it cannot expand', async () => {
      for (const expand of ['items.user', 'items.product,items.product', 'ITEMS.PRODUCT', 'x'.repeat(10_000)]) {
        const { status, body } = await api.call<ProblemDocument>('GET', `/v1/orders?expand=${encodeURIComponent(expand)}`, {
          token: ownerToken,
        });
        expect(status, expand.slice(0, 30)).toBe(400);
        expect(body.errors, expand.slice(0, 30)).toEqual([{ field: 'expand', description: 'can only be items.product' }]);
      }
    });

    it('answers 401 without a token, and an empty list to a user with no orders', async () => {
      expect((await api.call('GET', '/v1/orders?expand=items.product')).status).toBe(401);
      const { status, body } = await api.call<OrderListResource>('GET', '/v1/orders?expand=items.product', { token: bobToken });
      expect(status).toBe(200);
      expect(body).toEqual({ orders: [], next_page_token: null });
    });
  });

  describe('GET /v1/users/{id}/orders', () => {
    let carol: Account;
    let carolToken: string;
    let placed: string[];

    beforeAll(async () => {
      ({ carol } = api.services.accounts);
      carolToken = carol.token;
      placed = [];
      for (let i = 0; i < 3; i++) placed.push((await place(carolToken, [{ product_id: (await addMug()).id, quantity: 1 }])).body.id);
    });

    it("pages through the user's orders, newest first", async () => {
      const first = await api.call<OrderListResource>('GET', `/v1/users/${carol.id}/orders?page_size=2`, { token: carolToken });
      const token = encodeURIComponent(first.body.next_page_token!);
      const second = await api.call<OrderListResource>('GET', `/v1/users/${carol.id}/orders?page_size=2&page_token=${token}`, {
        token: carolToken,
      });

      expect(first.status).toBe(200);
      expect([...first.body.orders, ...second.body.orders].map((order) => order.id)).toEqual([...placed].reverse());
      expect(second.body.next_page_token).toBeNull();
    });

    it("lets an admin list anyone's orders", async () => {
      const { status, body } = await api.call<OrderListResource>('GET', `/v1/users/${carol.id}/orders`, { token: adminToken });

      expect(status).toBe(200);
      expect(body.orders).toHaveLength(3);
    });

    it("answers 403 for another customer's orders", async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', `/v1/users/${carol.id}/orders`, { token: bobToken });

      expect(status).toBe(403);
      expect(body).toMatchObject({ code: 'AUTH.PERMISSION_DENIED', detail: 'Only the owner of these orders or an admin can see them.' });
    });

    it('names the path parameter when the user id is not a UUID', async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', '/v1/users/carol/orders', { token: adminToken });

      expect(status).toBe(400);
      expect(body.errors).toEqual([{ field: 'id', description: 'must be a user id (a UUID), got "carol"' }]);
    });
  });

  describe('POST /v1/orders/{id}:cancel', () => {
    const cancel = (id: string, token: string) => api.call<OrderResource>('POST', `/v1/orders/${id}:cancel`, { token });

    it('cancels the order and puts its stock back on sale', async () => {
      const mug = await addMug(5);
      const order = (await place(aliceToken, [{ product_id: mug.id, quantity: 2 }])).body;

      const { status, body } = await cancel(order.id, aliceToken);

      expect(status).toBe(200);
      expect(body).toMatchObject({ id: order.id, status: 'cancelled' });
      expect(await stockOf(mug)).toBe(5);
      expect((await api.call<OrderResource>('GET', `/v1/orders/${order.id}`, { token: aliceToken })).body.status).toBe('cancelled');
    });

    it('answers 422 once the order has shipped', async () => {
      const order = (await place(aliceToken, [{ product_id: (await addMug()).id, quantity: 1 }])).body;
      for (const status of ['confirmed', 'shipped']) {
        expect((await api.call('POST', `/v1/orders/${order.id}:transition`, { token: adminToken, body: { status } })).status).toBe(200);
      }

      const { status, body } = await api.call<ProblemDocument>('POST', `/v1/orders/${order.id}:cancel`, { token: aliceToken });

      expect(status).toBe(422);
      expect(body).toMatchObject({ code: 'ORDERS.ILLEGAL_STATUS_CHANGE', detail: 'An order that is shipped cannot become cancelled.' });
    });

    it("answers 404 for another customer's order and leaves it alone", async () => {
      const order = (await place(aliceToken, [{ product_id: (await addMug()).id, quantity: 1 }])).body;

      expect((await cancel(order.id, bobToken)).status).toBe(404);
      expect((await api.call<OrderResource>('GET', `/v1/orders/${order.id}`, { token: aliceToken })).body.status).toBe('pending');
    });

    it('serves the cancel verb only: no other verb, and no POST to the order itself', async () => {
      const order = (await place(aliceToken, [{ product_id: (await addMug()).id, quantity: 1 }])).body;

      const refund = await api.call<ProblemDocument>('POST', `/v1/orders/${order.id}:refund`, { token: aliceToken });
      const postToOrder = await api.call<ProblemDocument>('POST', `/v1/orders/${order.id}`, { token: aliceToken });

      expect(refund.status).toBe(404);
      expect(refund.body.code).toBe('REQUEST.ROUTE_NOT_FOUND');
      expect(postToOrder.status).toBe(405);
      expect(postToOrder.headers.get('allow')).toBe('GET, HEAD');
    });
  });
});
