import type { Metadata } from '@grpc/grpc-js';
import type { OrdersServiceClient, QuoteCartRequest, WatchOrderResponse } from '@triad/contracts/orders/v1';
import { fromGrpcError } from '@triad/platform';
import { firstValueFrom, from, Subject, take, toArray } from 'rxjs';
import { call, failure, type SignedInAccount } from '@triad/testing';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startOrdersHarness, type OrdersHarness } from '../testing/orders-harness.js';
import { PlacementRecoveryService } from './placement-recovery.service.js';

let harness: OrdersHarness;
let alice: SignedInAccount;
let bob: SignedInAccount;
let lamp: string;

beforeAll(async () => {
  harness = await startOrdersHarness(inject('postgresUrl'));
  ({ alice, bob } = harness.accounts);
  lamp = await harness.upstream.addProduct('Lamp', 2500, 100);
});

afterAll(() => harness?.close());

// Whatever a test broke between orders-service and catalog-service works again for the next one.
afterEach(() => harness.upstream.heal());

let keys = 0;
async function placeFor(buyer: SignedInAccount, quantity = 1, orders: OrdersServiceClient = harness.orders) {
  const { order } = await call(
    orders.placeOrder({ idempotencyKey: `k${++keys}`, userId: buyer.id, lines: [{ productId: lamp, quantity }] }, harness.as(buyer)),
  );
  return order!;
}
const asAdmin = () => harness.as(harness.accounts.admin);
const setStatus = async (id: string, status: string, metadata?: Metadata) =>
  call(harness.orders.updateOrderStatus({ id, status: status as never }, metadata ?? asAdmin()));

describe('reading orders', () => {
  it('shows an order to its owner and to admins, and to nobody else', async () => {
    const order = await placeFor(alice);
    expect((await call(harness.orders.getOrder({ id: order.id }, harness.as(alice)))).order?.id).toBe(order.id);
    expect((await call(harness.orders.getOrder({ id: order.id }, asAdmin()))).order?.id).toBe(order.id);
    expect(await failure(harness.orders.getOrder({ id: order.id }, harness.as(bob)))).toMatchObject({
      kind: 'NOT_FOUND',
      code: 'ORDERS.NOT_FOUND',
    });
    expect(await failure(harness.orders.getOrder({ id: order.id }))).toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it("lists a user's orders newest first, page by page, and refuses another user's list", async () => {
    // Only this test places orders for carol.
    const carol = harness.accounts.carol;
    const placed = [await placeFor(carol), await placeFor(carol), await placeFor(carol)];
    const first = await call(harness.orders.listOrders({ userId: carol.id, pageSize: 2, pageToken: '' }, harness.as(carol)));
    const second = await call(
      harness.orders.listOrders({ userId: carol.id, pageSize: 2, pageToken: first.nextPageToken }, harness.as(carol)),
    );
    expect([...first.orders, ...second.orders].map((order) => order.id)).toEqual(placed.map((order) => order.id).reverse());
    expect(second.nextPageToken).toBe('');
    expect(await failure(harness.orders.listOrders({ userId: carol.id, pageSize: 2, pageToken: '' }, harness.as(bob)))).toMatchObject({
      kind: 'PERMISSION_DENIED',
    });
    expect(
      await failure(harness.orders.listOrders({ userId: bob.id, pageSize: 2, pageToken: first.nextPageToken }, harness.as(bob))),
    ).toMatchObject({ kind: 'INVALID_ARGUMENT', fieldViolations: [{ field: 'page_token' }] });
  });

  it('batch-gets the orders a caller may see, in request order', async () => {
    const [a, b] = [await placeFor(alice), await placeFor(bob)];
    const { orders } = await call(harness.orders.batchGetOrders({ ids: [b.id, a.id] }, harness.as(alice)));
    expect(orders.map((order) => order.id)).toEqual([a.id]);
  });
});

describe('the order lifecycle', () => {
  it('moves an order along PENDING → CONFIRMED → SHIPPED → DELIVERED, admins only, one step at a time', async () => {
    const order = await placeFor(alice);
    expect(
      await failure(harness.orders.updateOrderStatus({ id: order.id, status: 'ORDER_STATUS_CONFIRMED' as never }, harness.as(alice))),
    ).toMatchObject({
      kind: 'PERMISSION_DENIED',
    });
    expect(await setStatus(order.id, 'ORDER_STATUS_SHIPPED').catch(fromGrpcError)).toMatchObject({ code: 'ORDERS.ILLEGAL_STATUS_CHANGE' });
    for (const status of ['ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_SHIPPED', 'ORDER_STATUS_DELIVERED']) {
      expect((await setStatus(order.id, status)).order?.status).toBe(status);
    }
  });

  it('cancels an order, returns its stock once, and refuses to cancel a shipped one', async () => {
    const stock = await harness.upstream.stockOf(lamp);
    const order = await placeFor(alice, 4);
    expect(await harness.upstream.stockOf(lamp)).toBe(stock - 4);
    const cancelled = await call(harness.orders.cancelOrder({ id: order.id }, harness.as(alice)));
    expect(cancelled.order?.status).toBe('ORDER_STATUS_CANCELLED');
    await call(harness.orders.cancelOrder({ id: order.id }, harness.as(alice)));
    expect(await harness.upstream.stockOf(lamp)).toBe(stock);

    const shipped = await placeFor(alice);
    await setStatus(shipped.id, 'ORDER_STATUS_CONFIRMED');
    await setStatus(shipped.id, 'ORDER_STATUS_SHIPPED');
    expect(await failure(harness.orders.cancelOrder({ id: shipped.id }, harness.as(alice)))).toMatchObject({
      kind: 'FAILED_PRECONDITION',
      message: 'An order that is shipped cannot become cancelled.',
    });
    expect(await failure(harness.orders.cancelOrder({ id: order.id }, harness.as(bob)))).toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('keeps a cancellation whose stock release failed, and recovery returns the stock', async () => {
    const stock = await harness.upstream.stockOf(lamp);
    const order = await placeFor(alice, 2);
    harness.upstream.toCatalog.fail('ReleaseStock', 'no-answer');
    const cancelled = await call(harness.orders.cancelOrder({ id: order.id }, harness.as(alice)));
    expect(cancelled.order?.status).toBe('ORDER_STATUS_CANCELLED');
    expect(await harness.upstream.stockOf(lamp)).toBe(stock - 2);
    await harness.upstream.heal();
    await harness.service.app.get(PlacementRecoveryService).runOnce();
    expect(await harness.upstream.stockOf(lamp)).toBe(stock);
  });
});

describe('WatchOrder', () => {
  it('sends the current status, then each change, and ends when the order is final', async () => {
    const order = await placeFor(alice);
    const events: WatchOrderResponse[] = [];
    const anonymous = firstValueFrom(harness.orders.watchOrder({ id: order.id }));
    const watched = new Promise<void>((resolve, reject) => {
      harness.orders
        .watchOrder({ id: order.id }, harness.as(alice))
        .subscribe({ next: (event) => events.push(event), error: reject, complete: resolve });
    });
    expect(await anonymous.catch(fromGrpcError)).toMatchObject({ kind: 'UNAUTHENTICATED' });
    await waitFor(() => events.length === 1);
    for (const status of ['ORDER_STATUS_CONFIRMED', 'ORDER_STATUS_SHIPPED', 'ORDER_STATUS_DELIVERED']) await setStatus(order.id, status);
    await watched;
    expect(events.map((event) => event.status)).toEqual([
      'ORDER_STATUS_PENDING',
      'ORDER_STATUS_CONFIRMED',
      'ORDER_STATUS_SHIPPED',
      'ORDER_STATUS_DELIVERED',
    ]);
  });

  it("refuses to show someone else's order", async () => {
    const order = await placeFor(alice);
    const error = await firstValueFrom(harness.orders.watchOrder({ id: order.id }, harness.as(bob))).catch(fromGrpcError);
    expect(error).toMatchObject({ kind: 'NOT_FOUND' });
  });

  it.skipIf(!inject('postgresUrl'))('delivers changes made through another instance that shares the database', async () => {
    const other = await harness.startAnotherInstance();
    try {
      const order = await placeFor(alice);
      const events = firstValueFrom(harness.orders.watchOrder({ id: order.id }, harness.as(alice)).pipe(take(3), toArray()));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await call(other.orders.updateOrderStatus({ id: order.id, status: 'ORDER_STATUS_CONFIRMED' as never }, asAdmin()));
      await call(other.orders.cancelOrder({ id: order.id }, harness.as(alice)));
      expect((await events).map((event) => event.status)).toEqual([
        'ORDER_STATUS_PENDING',
        'ORDER_STATUS_CONFIRMED',
        'ORDER_STATUS_CANCELLED',
      ]);
    } finally {
      await other.close();
    }
  });
});

describe('shutting down', () => {
  it('ends open watches with UNAVAILABLE at once, so clients reconnect elsewhere', async () => {
    const other = await harness.startAnotherInstance();
    const order = await placeFor(alice, 1, other.orders);
    const events: string[] = [];
    const ended = new Promise<unknown>((resolve) =>
      other.orders
        .watchOrder({ id: order.id }, harness.as(alice))
        .subscribe({ next: (event) => events.push(event.status), error: resolve, complete: () => resolve('completed') }),
    );
    await waitFor(() => events.length === 1);
    const started = Date.now();
    await other.close();
    expect(fromGrpcError(await ended)).toMatchObject({ kind: 'UNAVAILABLE', code: 'ORDERS.SHUTTING_DOWN' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('QuoteCart', () => {
  it('answers each cart edit with the cart re-priced, in order', async () => {
    const scarce = await harness.upstream.addProduct('Rare vase', 100_00, 1);
    const unknown = '01900000-0000-7000-8000-0000000000ff';
    const edits: QuoteCartRequest[] = [
      { setLine: { productId: lamp, quantity: 2 } },
      { setLine: { productId: scarce, quantity: 3 } },
      { setLine: { productId: unknown, quantity: 1 } },
      { removeLine: { productId: scarce } },
      { clear: {} },
    ];
    const quotes = await firstValueFrom(harness.orders.quoteCart(from(edits)).pipe(toArray()));
    expect(quotes.map((quote) => quote.subtotal?.amountMinor)).toEqual(['5000', '35000', '35000', '5000', '0']);
    expect(quotes[2]?.lines.map((line) => line.availability)).toEqual([
      'STOCK_AVAILABILITY_IN_STOCK',
      'STOCK_AVAILABILITY_INSUFFICIENT_STOCK',
      'STOCK_AVAILABILITY_PRODUCT_NOT_FOUND',
    ]);
    expect(quotes[0]?.lines[0]).toMatchObject({ unitPrice: { amountMinor: '2500' }, lineTotal: { amountMinor: '5000' } });
  });

  it('ends the stream with INVALID_ARGUMENT for an impossible edit', async () => {
    const edits = new Subject<QuoteCartRequest>();
    const quotes = firstValueFrom(harness.orders.quoteCart(edits).pipe(toArray())).catch(fromGrpcError);
    edits.next({ setLine: { productId: lamp, quantity: 0 } });
    expect(await quotes).toMatchObject({ kind: 'INVALID_ARGUMENT', fieldViolations: [{ field: 'quantity' }] });
  });
});

describe('the fulfilment simulator', () => {
  it('moves a new order to DELIVERED on its own when switched on', async () => {
    // On a database of its own: the simulator moves on every order it finds there.
    const demo = await harness.startAnotherInstance({
      env: { FULFILMENT_SIMULATOR: 'true', FULFILMENT_STEP_MS: '200' },
      freshDatabase: true,
    });
    try {
      const order = await placeFor(alice, 1, demo.orders);
      const events = await firstValueFrom(demo.orders.watchOrder({ id: order.id }, harness.as(alice)).pipe(toArray()));
      expect(events.map((event) => event.status)).toEqual([
        'ORDER_STATUS_PENDING',
        'ORDER_STATUS_CONFIRMED',
        'ORDER_STATUS_SHIPPED',
        'ORDER_STATUS_DELIVERED',
      ]);
    } finally {
      await demo.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
