import { randomUUID } from 'node:crypto';
import type { ContractFixtures } from './contract-fixtures.js';
import {
  ANY_COPY,
  get,
  OVERSIZED,
  post,
  STREAM_HAS_NO_DEADLINE,
  UNKNOWN_ID,
  when,
  type ContractRequest,
  type OperationContract,
} from './operation-contract.js';

/** Alice orders one unit of a product, under a new Idempotency-Key unless `headers` say otherwise. */
const placing = (f: ContractFixtures, productId: string, headers: Record<string, string> = { 'idempotency-key': randomUUID() }) =>
  post('/v1/orders', { token: f.alice.token, headers, body: { items: [{ product_id: productId, quantity: 1 }] } });

const transition = (orderId: string, status: string, token?: string): ContractRequest =>
  post(`/v1/orders/${orderId}:transition`, { token, body: { status } });

const events = (f: ContractFixtures, headers: Record<string, string> = {}) =>
  get(`/v1/orders/${f.orders.cancelled}/events`, { token: f.alice.token, headers });

/** `/v1/orders` and a user's orders, over orders-service. Alice's orders are seeded in each status an exchange needs. */
export const ORDERS_CONTRACTS: Record<string, OperationContract> = {
  placeOrder: {
    answers: {
      201: when('the products are in stock', (f) => placing(f, f.product.id)),
      400: when('the Idempotency-Key header is missing', (f) => placing(f, f.product.id, {})),
      401: when('no access token is sent', (f) => ({ ...placing(f, f.product.id), token: undefined })),
      413: when('the body is over the limit', (f) => ({ ...placing(f, f.product.id), body: OVERSIZED })),
      422: when('a product is out of stock', (f) => placing(f, f.soldOut.id)),
    },
    unreachable: {
      409:
        'a placement is in progress only while orders-service waits for users- or catalog-service, which it calls directly, ' +
        'so no spec can hold it there',
    },
  },
  getOrder: {
    answers: {
      200: when('its owner asks', (f) => get(`/v1/orders/${f.orders.shipped}`, { token: f.alice.token })),
      304: when('the client holds the current copy', (f) =>
        get(`/v1/orders/${f.orders.shipped}`, { token: f.alice.token, headers: ANY_COPY }),
      ),
      400: when('the id is not a UUID', (f) => get('/v1/orders/not-a-uuid', { token: f.alice.token })),
      401: when('no access token is sent', (f) => get(`/v1/orders/${f.orders.shipped}`)),
      404: when('the order is someone else’s', (f) => get(`/v1/orders/${f.orders.shipped}`, { token: f.bob.token })),
    },
  },
  cancelOrder: {
    answers: {
      200: when('the order has not shipped', (f) => post(`/v1/orders/${f.orders.toCancel}:cancel`, { token: f.alice.token })),
      400: when('the id is not a UUID', (f) => post('/v1/orders/not-a-uuid:cancel', { token: f.alice.token })),
      401: when('no access token is sent', (f) => post(`/v1/orders/${f.orders.toCancel}:cancel`)),
      404: when('no order has the id', (f) => post(`/v1/orders/${UNKNOWN_ID}:cancel`, { token: f.alice.token })),
      422: when('the order has shipped', (f) => post(`/v1/orders/${f.orders.shipped}:cancel`, { token: f.alice.token })),
    },
  },
  listOrders: {
    answers: {
      200: when("the user asks for their orders with each item's product", (f) =>
        get('/v1/orders?page_size=1&expand=items.product', { token: f.alice.token }),
      ),
      304: when('the client holds the current page', (f) => get('/v1/orders?page_size=1', { token: f.alice.token, headers: ANY_COPY })),
      400: when('expand names something that cannot be expanded', (f) => get('/v1/orders?expand=items.user', { token: f.alice.token })),
      401: when('no access token is sent', () => get('/v1/orders')),
    },
  },
  listUserOrders: {
    answers: {
      200: when('the user asks', (f) => get(`/v1/users/${f.alice.id}/orders?page_size=1`, { token: f.alice.token })),
      304: when('the client holds the current page', (f) =>
        get(`/v1/users/${f.alice.id}/orders?page_size=1`, { token: f.alice.token, headers: ANY_COPY }),
      ),
      400: when('page_size is out of range', (f) => get(`/v1/users/${f.alice.id}/orders?page_size=0`, { token: f.alice.token })),
      401: when('no access token is sent', (f) => get(`/v1/users/${f.alice.id}/orders`)),
      403: when('another customer asks', (f) => get(`/v1/users/${f.alice.id}/orders`, { token: f.bob.token })),
    },
  },
  transitionOrder: {
    answers: {
      200: when('an admin takes the next step', (f) => transition(f.orders.toConfirm, 'confirmed', f.admin.token)),
      400: when('the status is not one to move to', (f) => transition(f.orders.toConfirm, 'pending', f.admin.token)),
      401: when('no access token is sent', (f) => transition(f.orders.toConfirm, 'shipped')),
      403: when('a customer asks', (f) => transition(f.orders.toConfirm, 'shipped', f.alice.token)),
      404: when('no order has the id', (f) => transition(UNKNOWN_ID, 'shipped', f.admin.token)),
      413: when('the body is over the limit', (f) => ({ ...transition(f.orders.toConfirm, 'shipped', f.admin.token), body: OVERSIZED })),
      422: when('the step is not allowed', (f) => transition(f.orders.delivered, 'confirmed', f.admin.token)),
    },
  },
  watchOrder: {
    answers: {
      // The watched order is cancelled: its stream sends the final status and ends, so the whole body can be read.
      200: when('its owner watches', (f) => events(f)),
      204: when('the client has seen the final status', (f) => events(f, { 'last-event-id': f.cancelledEventId })),
      400: when('Last-Event-ID is not an event id', (f) => events(f, { 'last-event-id': 'latest' })),
      401: when('no access token is sent', (f) => ({ ...events(f), token: undefined })),
      404: when('no order has the id', (f) => get(`/v1/orders/${UNKNOWN_ID}/events`, { token: f.alice.token })),
    },
    unreachable: { 504: STREAM_HAS_NO_DEADLINE },
  },
};
