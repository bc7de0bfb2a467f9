import { fromGrpcError, uuidv7 } from '@triad/platform';
import { count, sql } from 'drizzle-orm';
import { orders } from '../db/schema.js';
import { call, failure, type SignedInAccount } from '@triad/testing';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { OrdersRepository } from '../orders/orders.repository.js';
import { PlacementRecoveryService } from '../orders/placement-recovery.service.js';
import { startOrdersHarness, type OrdersHarness } from '../testing/orders-harness.js';

let harness: OrdersHarness;
let alice: SignedInAccount;
let keyboard: string;
let mouse: string;

beforeAll(async () => {
  harness = await startOrdersHarness(inject('postgresUrl'));
  alice = harness.accounts.alice;
  keyboard = await harness.upstream.addProduct('Keyboard', 4999, 10);
  mouse = await harness.upstream.addProduct('Mouse', 1999, 3);
});

afterAll(() => harness?.close());

// Whatever a test broke between orders-service and the services it calls works again for the next one.
afterEach(() => harness.upstream.heal());

const storedOrders = async () => (await harness.db.select({ n: count() }).from(orders))[0]?.n;
const stock = async () => ({ keyboard: await harness.upstream.stockOf(keyboard), mouse: await harness.upstream.stockOf(mouse) });
let keys = 0;
const newKey = () => `key-${++keys}-${Date.now()}`;

/** Stock and orders as a user would see them: catalog-service holds no stock and orders-service stores no order beyond `before`. */
async function expectNothingLeftBehind(before: { orders: number | undefined; stock: { keyboard: number; mouse: number } }) {
  expect(await storedOrders()).toBe(before.orders);
  expect(await stock()).toEqual(before.stock);
}

const snapshot = async () => ({ orders: await storedOrders(), stock: await stock() });

describe('PlaceOrder', () => {
  it('stores the order with the prices charged and reserves its stock under the order id', async () => {
    const lines = [
      { productId: keyboard, quantity: 2 },
      { productId: mouse, quantity: 1 },
    ];
    const { order } = await call(harness.orders.placeOrder({ idempotencyKey: newKey(), userId: alice.id, lines }, harness.as(alice)));
    expect(order).toMatchObject({
      userId: alice.id,
      status: 'ORDER_STATUS_PENDING',
      items: [
        { productId: keyboard, quantity: 2, unitPrice: { amountMinor: '4999', currencyCode: 'USD' }, lineTotal: { amountMinor: '9998' } },
        { productId: mouse, quantity: 1, unitPrice: { amountMinor: '1999' }, lineTotal: { amountMinor: '1999' } },
      ],
      total: { amountMinor: '11997', currencyCode: 'USD' },
    });
    expect(await stock()).toEqual({ keyboard: 8, mouse: 2 });
    // Reserving is idempotent: the same reservation again is the one orders-service made, and takes nothing more.
    expect(await harness.upstream.reserveStock(order!.id, lines)).toMatchObject({ status: 'RESERVATION_STATUS_RESERVED', lines });
    expect(await stock()).toEqual({ keyboard: 8, mouse: 2 });
  });

  it('returns the same order for the same key, and reserves once', async () => {
    const request = { idempotencyKey: newKey(), userId: alice.id, lines: [{ productId: keyboard, quantity: 1 }] };
    const first = await call(harness.orders.placeOrder(request, harness.as(alice)));
    const stockAfterFirst = await harness.upstream.stockOf(keyboard);
    const again = await call(harness.orders.placeOrder(request, harness.as(alice)));
    expect(again.order?.id).toBe(first.order?.id);
    expect(await harness.upstream.stockOf(keyboard)).toBe(stockAfterFirst);
  });

  it('places one order when the same key arrives many times at once', async () => {
    const before = await snapshot();
    const request = { idempotencyKey: newKey(), userId: alice.id, lines: [{ productId: keyboard, quantity: 1 }] };
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => call(harness.orders.placeOrder(request, harness.as(alice)))));
    const placed = new Set(results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.order?.id] : [])));
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [fromGrpcError(result.reason).code] : []));
    expect(placed.size).toBe(1);
    expect(new Set(refused)).toEqual(new Set(refused.length > 0 ? ['ORDERS.PLACEMENT_IN_PROGRESS'] : []));
    expect(await storedOrders()).toBe(before.orders! + 1);
    expect(await harness.upstream.stockOf(keyboard)).toBe(before.stock.keyboard - 1);
  });

  it('refuses a key reused for a different order', async () => {
    const key = newKey();
    await call(
      harness.orders.placeOrder({ idempotencyKey: key, userId: alice.id, lines: [{ productId: mouse, quantity: 1 }] }, harness.as(alice)),
    );
    const error = await failure(
      harness.orders.placeOrder({ idempotencyKey: key, userId: alice.id, lines: [{ productId: mouse, quantity: 2 }] }, harness.as(alice)),
    );
    expect(error).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'ORDERS.IDEMPOTENCY_KEY_REUSED' });
  });

  it('lists each invalid field without asking another service, and stores nothing', async () => {
    const before = await storedOrders();
    // Both unreachable: the answer can only come from orders-service itself.
    harness.upstream.toUsers.down();
    harness.upstream.toCatalog.down();
    const error = await failure(
      harness.orders.placeOrder({ idempotencyKey: '', userId: alice.id, lines: [{ productId: 'nope', quantity: 0 }] }, harness.as(alice)),
    );
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'ORDERS.INVALID_INPUT' });
    expect(error.fieldViolations.map((v) => v.field)).toEqual(['idempotency_key', 'lines[0].product_id', 'lines[0].quantity']);
    expect(await storedOrders()).toBe(before);
  });

  it('lets a customer place orders only for themselves', async () => {
    const error = await failure(
      harness.orders.placeOrder(
        { idempotencyKey: newKey(), userId: alice.id, lines: [{ productId: mouse, quantity: 1 }] },
        harness.as(harness.accounts.bob),
      ),
    );
    expect(error).toMatchObject({ kind: 'PERMISSION_DENIED' });
  });

  it('names the product that is out of stock and leaves nothing behind', async () => {
    const before = await snapshot();
    const error = await failure(
      harness.orders.placeOrder(
        {
          idempotencyKey: newKey(),
          userId: alice.id,
          lines: [
            { productId: keyboard, quantity: 1 },
            { productId: mouse, quantity: 50 },
          ],
        },
        harness.as(alice),
      ),
    );
    expect(error).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'CATALOG.OUT_OF_STOCK' });
    expect(error.message).toContain('Mouse');
    await expectNothingLeftBehind(before);
  });
});

describe('PlaceOrder when a downstream call fails midway', () => {
  const place = (buyer: SignedInAccount = alice, userId = buyer.id) =>
    failure(
      harness.orders.placeOrder({ idempotencyKey: newKey(), userId, lines: [{ productId: keyboard, quantity: 1 }] }, harness.as(buyer)),
    );

  it('stores nothing when users-service is down', async () => {
    const before = await snapshot();
    harness.upstream.toUsers.down();
    expect(await place()).toMatchObject({ kind: 'UNAVAILABLE' });
    await expectNothingLeftBehind(before);
  });

  it('refuses an order for a user that does not exist', async () => {
    const before = await snapshot();
    // Only an admin may place an order for someone else, here an id users-service does not know.
    expect(await place(harness.accounts.admin, uuidv7())).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'ORDERS.USER_NOT_FOUND' });
    await expectNothingLeftBehind(before);
  });

  it('stores nothing when pricing fails', async () => {
    const before = await snapshot();
    harness.upstream.toCatalog.down();
    expect(await place()).toMatchObject({ kind: 'UNAVAILABLE' });
    await expectNothingLeftBehind(before);
  });

  it('releases stock that was reserved when the answer to ReserveStock was lost', async () => {
    const before = await snapshot();
    harness.upstream.toCatalog.fail('ReserveStock', 'lost-answer');
    expect(await place()).toMatchObject({ kind: 'UNAVAILABLE' });
    await expectNothingLeftBehind(before);
  });

  it('settles the reservation when ReserveStock does not answer before the deadline, so that it takes nothing when it arrives', async () => {
    const before = await snapshot();
    harness.upstream.toCatalog.fail('ReserveStock', 'no-answer');
    expect(await place()).toMatchObject({ kind: 'DEADLINE_EXCEEDED' });
    await expectNothingLeftBehind(before);
    // The ReserveStock that was held back reaches catalog-service after the release that settled it.
    expect(await harness.upstream.toCatalog.deliverHeld()).toEqual([
      { method: 'ReserveStock', kind: 'FAILED_PRECONDITION', code: 'CATALOG.RESERVATION_RELEASED' },
    ]);
    await expectNothingLeftBehind(before);
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
      await expectNothingLeftBehind(before);
    } finally {
      await harness.db.execute(sql`drop trigger refuse_order_items on order_items`);
    }
  });

  it('keeps a record of a placement it could not undo, and recovery releases it later', async () => {
    const before = await snapshot();
    harness.upstream.toCatalog.fail('ReserveStock', 'lost-answer');
    harness.upstream.toCatalog.fail('ReleaseStock', 'no-answer');
    await place();
    expect(await harness.upstream.stockOf(keyboard)).toBe(before.stock.keyboard - 1);
    expect(await storedOrders()).toBe(before.orders! + 1);

    await harness.upstream.heal();
    await harness.db.execute(sql`update orders set created_at = now() - interval '1 hour' where status = 'placing'`);
    await harness.service.app.get(PlacementRecoveryService).runOnce();
    await expectNothingLeftBehind(before);
  });

  it('releases the stock of a placement whose process died after reserving', async () => {
    const before = await snapshot();
    const orderId = uuidv7();
    const lines = [{ productId: mouse, quantity: 1 }];
    await harness.upstream.reserveStock(orderId, lines);
    await harness.db.execute(
      sql`insert into orders (id, user_id, status, idempotency_key, request_hash, created_at) values (${orderId}, ${alice.id}, 'placing', 'crashed', 'x', now() - interval '1 hour')`,
    );
    await harness.service.app.get(PlacementRecoveryService).runOnce();
    await expectNothingLeftBehind(before);
    expect(await harness.upstream.reserveStock(orderId, lines).catch(fromGrpcError)).toMatchObject({
      code: 'CATALOG.RESERVATION_RELEASED',
    });
  });

  it('lets no placement complete after recovery gave up on it and released its stock', async () => {
    const before = await snapshot();
    const repository = harness.service.app.get(OrdersRepository);
    const orderId = uuidv7();
    await repository.claim({ id: orderId, userId: alice.id, idempotencyKey: 'slow-placement', requestHash: 'x' });
    await harness.upstream.reserveStock(orderId, [{ productId: keyboard, quantity: 1 }]);
    await harness.db.execute(sql`update orders set created_at = now() - interval '1 hour' where id = ${orderId}`);

    await harness.service.app.get(PlacementRecoveryService).runOnce();
    const price = { amountMinor: 4999n, currencyCode: 'USD' };
    await expect(repository.completePlacement(orderId, [{ productId: keyboard, quantity: 1, unitPrice: price }], price)).rejects.toThrow(
      /given up/,
    );
    await expectNothingLeftBehind(before);
  });
});

describe('PlaceOrder without a service identity', () => {
  it('holds no stock and stores no order when users-service refuses orders-service a token', async () => {
    const impostor = await harness.startAnotherInstance({
      env: { SERVICE_CLIENT_SECRET: 'not-the-registered-client-secret-0123456789' },
      freshDatabase: true,
    });
    const lamp = await harness.upstream.addProduct('Lamp', 2500, 5);
    const error = await failure(
      impostor.orders.placeOrder(
        { idempotencyKey: newKey(), userId: alice.id, lines: [{ productId: lamp, quantity: 2 }] },
        harness.as(alice),
      ),
    );
    expect(error).toMatchObject({ kind: 'UNAUTHENTICATED', code: 'AUTH.SERVICE_TOKEN_REFUSED' });
    expect(await harness.upstream.stockOf(lamp)).toBe(5);
    expect((await impostor.db.select({ n: count() }).from(orders))[0]?.n).toBe(0);
    await impostor.close();
  });
});
