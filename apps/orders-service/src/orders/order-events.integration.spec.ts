import { fromTimestamp } from '@triad/platform';
import { call, type SignedInAccount } from '@triad/testing';
import { sql } from 'drizzle-orm';
import type { Subscription } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { startOrdersHarness, type OrdersHarness } from '../testing/orders-harness.js';
import { OrderEventsService } from './order-events.service.js';
import { OrdersRepository } from './orders.repository.js';

const postgresUrl = inject('postgresUrl');

let harness: OrdersHarness;
let alice: SignedInAccount;
let lamp: string;

beforeAll(async () => {
  harness = await startOrdersHarness(postgresUrl);
  alice = harness.accounts.alice;
  lamp = await harness.upstream.addProduct('Lamp', 2500, 100);
});
afterAll(() => harness?.close());

let keys = 0;
const placeOrder = async () => {
  const request = { idempotencyKey: `events-${++keys}`, userId: alice.id, lines: [{ productId: lamp, quantity: 1 }] };
  return (await call(harness.orders.placeOrder(request, harness.as(alice)))).order!;
};
const setStatus = async (id: string, status: string) =>
  (await call(harness.orders.updateOrderStatus({ id, status: status as never }, harness.as(harness.accounts.admin)))).order!;

/** Alice's watch of an order, once its first status has come: the statuses received, and how the stream ended. */
const watch = async (orderId: string) => {
  const statuses: string[] = [];
  const metadata = harness.as(alice);
  let subscription: Subscription | undefined;
  const ended = new Promise<unknown>((resolve) => {
    subscription = harness.orders.watchOrder({ id: orderId }, metadata).subscribe({
      next: (event) => statuses.push(event.status.replace('ORDER_STATUS_', '')),
      error: resolve,
      complete: () => resolve('completed'),
    });
  });
  await vi.waitFor(() => expect(statuses).toHaveLength(1));
  return { statuses, ended, cancel: () => subscription?.unsubscribe() };
};

describe('WatchOrder', () => {
  it('stops watching when the client cancels: 20 watches opened and cancelled leave none open', async () => {
    const events = harness.service.app.get(OrderEventsService);
    const order = await placeOrder();
    const watches = await Promise.all(Array.from({ length: 20 }, () => watch(order.id)));
    expect(events.openWatches).toBe(20);

    for (const each of watches) each.cancel();

    await vi.waitFor(() => expect(events.openWatches).toBe(0));
  });
});

/**
 * On embedded PGlite, LISTEN runs inside the service's own process: there is no connection to lose, so these
 * run only against real PostgreSQL.
 */
describe.skipIf(!postgresUrl)('WatchOrder when the LISTEN connection is lost and comes back', () => {
  /** The backend that LISTENs on this test's database, as PostgreSQL sees it, when there is one. */
  const listeningBackend = async () => {
    const result = await harness.db.execute(
      sql`select pid, (extract(epoch from backend_start) * 1000)::float8 as "startedAtMs" from pg_stat_activity
          where datname = current_database() and query like 'LISTEN %' and pid <> pg_backend_pid()`,
    );
    return (result as unknown as { rows: { pid: number; startedAtMs: number }[] }).rows[0];
  };

  /** Ends the listening backend, as a server restart or a failover does, and waits until it is gone. */
  const dropListener = async () => {
    const { pid } = (await listeningBackend())!;
    await harness.db.execute(sql`select pg_terminate_backend(${pid})`);
    await vi.waitFor(async () => expect((await listeningBackend())?.pid).not.toBe(pid));
  };

  it('sends a change committed while nobody was listening once it listens again, then carries on', async () => {
    const order = await placeOrder();
    const watching = await watch(order.id);

    await dropListener();
    const confirmed = await setStatus(order.id, 'ORDER_STATUS_CONFIRMED');

    await vi.waitFor(() => expect(watching.statuses).toEqual(['PENDING', 'CONFIRMED']), { timeout: 10_000 });
    // The change was committed before the new LISTEN began, so its NOTIFY reached no one: only re-reading the
    // order can have brought it.
    expect((await listeningBackend())!.startedAtMs).toBeGreaterThan(fromTimestamp(confirmed.updateTime)!.getTime());
    await setStatus(order.id, 'ORDER_STATUS_SHIPPED');
    await setStatus(order.id, 'ORDER_STATUS_DELIVERED');
    expect(await watching.ended).toBe('completed');
    expect(watching.statuses).toEqual(['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED']);
  });

  it('sends nothing again for an order that did not change while nobody was listening', async () => {
    const order = await placeOrder();
    const watching = await watch(order.id);
    const rereads = vi.spyOn(harness.service.app.get(OrdersRepository), 'findByIds');

    await dropListener();
    // Only to know when the re-read after the reconnect is done; what the watcher receives is the assertion.
    await vi.waitFor(() => expect(rereads).toHaveBeenCalled(), { timeout: 10_000 });
    await rereads.mock.results[0]!.value;
    rereads.mockRestore();
    await call(harness.orders.cancelOrder({ id: order.id }, harness.as(alice)));

    expect(await watching.ended).toBe('completed');
    expect(watching.statuses).toEqual(['PENDING', 'CANCELLED']);
  });
});
