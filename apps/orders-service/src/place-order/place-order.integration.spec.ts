import { fromGrpcError } from '@triad/platform';
import { count, sql } from 'drizzle-orm';
import { orders } from '../db/schema.js';
import { call, failure } from '@triad/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { OrdersRepository } from '../orders/orders.repository.js';
import { PlacementRecoveryService } from '../orders/placement-recovery.service.js';
import { startOrdersHarness, type OrdersHarness } from '../testing/orders-harness.js';

let harness: OrdersHarness;
let alice: string;
let keyboard: string;
let mouse: string;

beforeAll(async () => {
  harness = await startOrdersHarness(inject('postgresUrl'));
  alice = harness.fake.addUser();
  keyboard = harness.fake.addProduct('Keyboard', 4999, 10);
  mouse = harness.fake.addProduct('Mouse', 1999, 3);
});

afterAll(() => harness?.close());

beforeEach(() => {
  for (const rpc of Object.keys(harness.fake.failures) as (keyof OrdersHarness['fake']['failures'])[]) harness.fake.failures[rpc] = 'none';
});

const storedOrders = async () => (await harness.db.select({ n: count() }).from(orders))[0]?.n;
let keys = 0;
const newKey = () => `key-${++keys}-${Date.now()}`;

/** Stock and orders as a user would see them: nothing held, nothing stored, beyond what `expected` says. */
async function expectNothingLeftBehind(ordersBefore: number, stockBefore: { keyboard: number; mouse: number }) {
  expect(await storedOrders()).toBe(ordersBefore);
  expect({ keyboard: harness.fake.stockOf(keyboard), mouse: harness.fake.stockOf(mouse) }).toEqual(stockBefore);
}

describe('PlaceOrder', () => {
  it('stores the order with the prices charged and reserves its stock under the order id', async () => {
    const { order } = await call(
      harness.orders.placeOrder(
        {
          idempotencyKey: newKey(),
          userId: alice,
          lines: [
            { productId: keyboard, quantity: 2 },
            { productId: mouse, quantity: 1 },
          ],
        },
        await harness.as(alice),
      ),
    );
    expect(order).toMatchObject({
      userId: alice,
      status: 'ORDER_STATUS_PENDING',
      items: [
        { productId: keyboard, quantity: 2, unitPrice: { amountMinor: '4999', currencyCode: 'USD' }, lineTotal: { amountMinor: '9998' } },
        { productId: mouse, quantity: 1, unitPrice: { amountMinor: '1999' }, lineTotal: { amountMinor: '1999' } },
      ],
      total: { amountMinor: '11997', currencyCode: 'USD' },
    });
    expect(harness.fake.reservations.get(order!.id)).toEqual({
      lines: [
        { productId: keyboard, quantity: 2 },
        { productId: mouse, quantity: 1 },
      ],
      released: false,
    });
    expect(harness.fake.stockOf(keyboard)).toBe(8);
  });

  it('returns the same order for the same key, and reserves once', async () => {
    const key = newKey();
    const request = { idempotencyKey: key, userId: alice, lines: [{ productId: keyboard, quantity: 1 }] };
    const first = await call(harness.orders.placeOrder(request, await harness.as(alice)));
    const stock = harness.fake.stockOf(keyboard);
    const again = await call(harness.orders.placeOrder(request, await harness.as(alice)));
    expect(again.order?.id).toBe(first.order?.id);
    expect(harness.fake.stockOf(keyboard)).toBe(stock);
  });

  it('places one order when the same key arrives many times at once', async () => {
    const ordersBefore = await storedOrders();
    const stockBefore = harness.fake.stockOf(keyboard);
    const request = { idempotencyKey: newKey(), userId: alice, lines: [{ productId: keyboard, quantity: 1 }] };
    const auth = await harness.as(alice);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => call(harness.orders.placeOrder(request, auth))));
    const placed = new Set(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.order?.id] : [])));
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [fromGrpcError(result.reason).code] : []));
    expect(placed.size).toBe(1);
    expect(new Set(refused)).toEqual(new Set(refused.length > 0 ? ['ORDERS.PLACEMENT_IN_PROGRESS'] : []));
    expect(await storedOrders()).toBe(ordersBefore + 1);
    expect(harness.fake.stockOf(keyboard)).toBe(stockBefore - 1);
  });

  it('refuses a key reused for a different order', async () => {
    const key = newKey();
    await call(
      harness.orders.placeOrder(
        { idempotencyKey: key, userId: alice, lines: [{ productId: mouse, quantity: 1 }] },
        await harness.as(alice),
      ),
    );
    const error = await failure(
      harness.orders.placeOrder(
        { idempotencyKey: key, userId: alice, lines: [{ productId: mouse, quantity: 2 }] },
        await harness.as(alice),
      ),
    );
    expect(error).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'ORDERS.IDEMPOTENCY_KEY_REUSED' });
  });

  it('lists each invalid field and touches nothing', async () => {
    const before = await storedOrders();
    const reservationsBefore = harness.fake.calls['ReserveStock'] ?? 0;
    const error = await failure(
      harness.orders.placeOrder(
        { idempotencyKey: '', userId: alice, lines: [{ productId: 'nope', quantity: 0 }] },
        await harness.as(alice),
      ),
    );
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'ORDERS.INVALID_INPUT' });
    expect(error.fieldViolations.map((v) => v.field)).toEqual(['idempotency_key', 'lines[0].product_id', 'lines[0].quantity']);
    expect(await storedOrders()).toBe(before);
    expect(harness.fake.calls['ReserveStock'] ?? 0).toBe(reservationsBefore);
  });

  it('lets a customer place orders only for themselves', async () => {
    const bob = harness.fake.addUser();
    const error = await failure(
      harness.orders.placeOrder(
        { idempotencyKey: newKey(), userId: alice, lines: [{ productId: mouse, quantity: 1 }] },
        await harness.as(bob),
      ),
    );
    expect(error).toMatchObject({ kind: 'PERMISSION_DENIED' });
  });

  it('names the product that is out of stock and leaves nothing behind', async () => {
    const before = await storedOrders();
    const stock = { keyboard: harness.fake.stockOf(keyboard), mouse: harness.fake.stockOf(mouse) };
    const error = await failure(
      harness.orders.placeOrder(
        {
          idempotencyKey: newKey(),
          userId: alice,
          lines: [
            { productId: keyboard, quantity: 1 },
            { productId: mouse, quantity: 50 },
          ],
        },
        await harness.as(alice),
      ),
    );
    expect(error).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'CATALOG.OUT_OF_STOCK' });
    expect(error.message).toContain('Mouse');
    await expectNothingLeftBehind(before, stock);
  });
});

describe('PlaceOrder when a downstream call fails midway', () => {
  const place = async () =>
    failure(
      harness.orders.placeOrder(
        { idempotencyKey: newKey(), userId: alice, lines: [{ productId: keyboard, quantity: 1 }] },
        await harness.as(alice),
      ),
    );
  const snapshot = async () => ({
    orders: await storedOrders(),
    stock: { keyboard: harness.fake.stockOf(keyboard), mouse: harness.fake.stockOf(mouse) },
  });

  it('stores nothing when users-service is down', async () => {
    const before = await snapshot();
    harness.fake.failures.getUser = 'unavailable';
    expect(await place()).toMatchObject({ kind: 'UNAVAILABLE' });
    await expectNothingLeftBehind(before.orders, before.stock);
  });

  it('refuses an order for a user that does not exist', async () => {
    const before = await snapshot();
    harness.fake.failures.getUser = 'missing';
    expect(await place()).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'ORDERS.USER_NOT_FOUND' });
    await expectNothingLeftBehind(before.orders, before.stock);
  });

  it('stores nothing when pricing fails', async () => {
    const before = await snapshot();
    harness.fake.failures.batchGetProducts = 'unavailable';
    expect(await place()).toMatchObject({ kind: 'UNAVAILABLE' });
    await expectNothingLeftBehind(before.orders, before.stock);
  });

  it('releases stock that was reserved when the answer to ReserveStock was lost', async () => {
    const before = await snapshot();
    harness.fake.failures.reserveStock = 'fail-after-reserving';
    expect(await place()).toMatchObject({ kind: 'UNAVAILABLE' });
    await expectNothingLeftBehind(before.orders, before.stock);
  });

  it('settles the reservation when ReserveStock does not answer before the deadline', async () => {
    const before = await snapshot();
    harness.fake.failures.reserveStock = 'hang';
    expect(await place()).toMatchObject({ kind: 'DEADLINE_EXCEEDED' });
    await expectNothingLeftBehind(before.orders, before.stock);
    const settled = [...harness.fake.reservations.values()].at(-1);
    expect(settled).toEqual({ lines: [], released: true });
  });

  it('releases the reservation when storing the order fails', async () => {
    const before = await snapshot();
    await harness.db.execute(sql`
      create or replace function refuse_order_items() returns trigger language plpgsql as $$
      begin raise exception 'the disk is full'; end $$`);
    await harness.db.execute(
      sql`create trigger refuse_order_items before insert on order_items for each row execute function refuse_order_items()`,
    );
    try {
      expect(await place()).toMatchObject({ kind: 'INTERNAL' });
      await expectNothingLeftBehind(before.orders, before.stock);
    } finally {
      await harness.db.execute(sql`drop trigger refuse_order_items on order_items`);
    }
  });

  it('keeps a record of a placement it could not undo, and recovery releases it later', async () => {
    const before = await snapshot();
    harness.fake.failures.reserveStock = 'fail-after-reserving';
    harness.fake.failures.releaseStock = 'unavailable';
    await place();
    expect(harness.fake.stockOf(keyboard)).toBe(before.stock.keyboard - 1);
    expect(await storedOrders()).toBe(before.orders + 1);

    harness.fake.failures.releaseStock = 'none';
    await harness.db.execute(sql`update orders set created_at = now() - interval '1 hour' where status = 'placing'`);
    await harness.service.app.get(PlacementRecoveryService).runOnce();
    await expectNothingLeftBehind(before.orders, before.stock);
  });

  it('releases the stock of a placement whose process died after reserving', async () => {
    const before = await snapshot();
    const orderId = '01900000-0000-7000-8000-0000000000aa';
    harness.fake.reserve({ reservationId: orderId, lines: [{ productId: mouse, quantity: 1 }] });
    await harness.db.execute(
      sql`insert into orders (id, user_id, status, idempotency_key, request_hash, created_at) values (${orderId}, ${alice}, 'placing', 'crashed', 'x', now() - interval '1 hour')`,
    );
    await harness.service.app.get(PlacementRecoveryService).runOnce();
    await expectNothingLeftBehind(before.orders, before.stock);
    expect(harness.fake.reservations.get(orderId)?.released).toBe(true);
  });

  it('lets no placement complete after recovery gave up on it and released its stock', async () => {
    const before = await snapshot();
    const repository = harness.service.app.get(OrdersRepository);
    const orderId = '01900000-0000-7000-8000-0000000000bb';
    await repository.claim({ id: orderId, userId: alice, idempotencyKey: 'slow-placement', requestHash: 'x' });
    harness.fake.reserve({ reservationId: orderId, lines: [{ productId: keyboard, quantity: 1 }] });
    await harness.db.execute(sql`update orders set created_at = now() - interval '1 hour' where id = ${orderId}`);

    await harness.service.app.get(PlacementRecoveryService).runOnce();
    const price = { amountMinor: 4999n, currencyCode: 'USD' };
    await expect(repository.completePlacement(orderId, [{ productId: keyboard, quantity: 1, unitPrice: price }], price)).rejects.toThrow(
      /given up/,
    );
    await expectNothingLeftBehind(before.orders, before.stock);
  });
});

describe('PlaceOrder without a service identity', () => {
  it('holds no stock and stores no order when users-service refuses orders-service a token', async () => {
    const impostor = await startOrdersHarness(inject('postgresUrl'), { SERVICE_CLIENT_SECRET: 'not-the-registered-client-secret-0123456789' });
    try {
      const buyer = impostor.fake.addUser();
      const product = impostor.fake.addProduct('Lamp', 2500, 5);
      const error = await failure(
        impostor.orders.placeOrder(
          { idempotencyKey: newKey(), userId: buyer, lines: [{ productId: product, quantity: 2 }] },
          await impostor.as(buyer),
        ),
      );
      expect(error).toMatchObject({ kind: 'UNAUTHENTICATED', code: 'AUTH.SERVICE_TOKEN_REFUSED' });
      expect(impostor.fake.stockOf(product)).toBe(5);
      expect(impostor.fake.calls['ReserveStock'] ?? 0).toBe(0);
    } finally {
      await impostor.close();
    }
  });
});
