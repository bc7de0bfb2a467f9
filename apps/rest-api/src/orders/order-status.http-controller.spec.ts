import { randomUUID } from 'node:crypto';
import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { ProductResource } from '../products/products.dto.js';
import type { OrderResource } from './orders.dto.js';

describe('POST /v1/orders/{id}:transition', () => {
  let api: TestRestApi;
  let aliceToken: string;
  let adminToken: string;

  beforeAll(async () => {
    api = await startTestRestApi();
    aliceToken = api.services.accounts.alice.token;
    adminToken = api.services.accounts.admin.token;
  });
  afterAll(() => api?.close());

  /** A pending order of Alice's for two mugs, of a product of its own. */
  const placeOrder = async () => {
    const mug = await api.services.addProduct({ sku: `MUG-${randomUUID()}`, name: 'Blue mug', amountMinor: 1299, stockOnHand: 5 });
    const { body } = await api.call<OrderResource>('POST', '/v1/orders', {
      token: aliceToken,
      body: { items: [{ product_id: mug.id, quantity: 2 }] },
      headers: { 'idempotency-key': randomUUID() },
    });
    return { order: body, mug };
  };
  const transition = <Body = OrderResource>(id: string, status: unknown, token = adminToken) =>
    api.call<Body>('POST', `/v1/orders/${id}:transition`, { token, body: { status } });

  it('moves an order one step at a time, for an admin', async () => {
    const { order } = await placeOrder();

    const confirmed = await transition(order.id, 'confirmed');
    const shipped = await transition(order.id, 'shipped');

    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: order.id, status: 'confirmed' });
    expect(shipped.body.status).toBe('shipped');
    expect((await api.call<OrderResource>('GET', `/v1/orders/${order.id}`, { token: aliceToken })).body.status).toBe('shipped');
  });

  it('cancels an order that has not shipped and puts its stock back', async () => {
    const { order, mug } = await placeOrder();

    const { status, body } = await transition(order.id, 'cancelled');

    expect(status).toBe(200);
    expect(body.status).toBe('cancelled');
    expect((await api.call<ProductResource>('GET', `/v1/products/${mug.id}`)).body.stock_on_hand).toBe(5);
  });

  it('answers 422 for a move the lifecycle does not allow', async () => {
    const { order } = await placeOrder();

    const { status, body } = await transition<ProblemDocument>(order.id, 'delivered');

    expect(status).toBe(422);
    expect(body).toMatchObject({ code: 'ORDERS.ILLEGAL_STATUS_CHANGE', detail: 'An order that is pending cannot become delivered.' });
  });

  it('answers 403 to the customer who placed the order', async () => {
    const { order } = await placeOrder();

    const { status, body } = await transition<ProblemDocument>(order.id, 'confirmed', aliceToken);

    expect(status).toBe(403);
    expect(body.code).toBe('AUTH.PERMISSION_DENIED');
    expect((await api.call<OrderResource>('GET', `/v1/orders/${order.id}`, { token: aliceToken })).body.status).toBe('pending');
  });

  it.each([['pending'], ['lost'], [undefined]])('answers 400 naming the status field for %s', async (status) => {
    const { order } = await placeOrder();

    const response = await transition<ProblemDocument>(order.id, status);

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'status', description: status === undefined ? 'is required' : 'must be one of confirmed, shipped, delivered, cancelled' },
    ]);
  });

  it('answers 404 for an unknown order', async () => {
    const { status, body } = await transition<ProblemDocument>('01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10', 'confirmed');

    expect(status).toBe(404);
    expect(body.code).toBe('ORDERS.NOT_FOUND');
  });
});
