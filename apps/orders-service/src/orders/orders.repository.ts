import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, notInArray, sql } from 'drizzle-orm';
import { activeTraceparent } from '@triad/platform';
import { ORDERS_DATABASE, type OrdersDatabase } from '../db/database.js';
import { INTERNAL_STATES, orderItems, orders, type OrderItemRow, type OrderRow } from '../db/schema.js';
import type { Money, Order, OrderStatus } from './order.js';
import { lineTotal, type PricedItem } from './pricing.js';

/** The database's clock, for every stored time that orders events across instances. */
const NOW = sql`now()`;

/** The NOTIFY channel on which every committed status change is announced (lower case: PGlite does not quote). */
export const ORDER_STATUS_CHANNEL = 'order_status_changed';

export interface Claim {
  id: string;
  userId: string;
  idempotencyKey: string;
  requestHash: string;
}

/** Storage of orders. Knows SQL and nothing about callers or other services. */
@Injectable()
export class OrdersRepository {
  constructor(@Inject(ORDERS_DATABASE) private readonly db: OrdersDatabase) {}

  /**
   * Claims an idempotency key for a new placement. Resolves the existing row instead when the key is taken,
   * so two concurrent requests with one key never both place an order.
   */
  async claim(claim: Claim): Promise<{ claimed: true } | { claimed: false; existing: OrderRow | undefined }> {
    const inserted = await this.db
      .insert(orders)
      .values({ ...claim, status: 'placing' })
      .onConflictDoNothing({ target: [orders.userId, orders.idempotencyKey] })
      .returning({ id: orders.id });
    if (inserted.length > 0) return { claimed: true };
    const [existing] = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.userId, claim.userId), eq(orders.idempotencyKey, claim.idempotencyKey)));
    // `undefined` when a concurrent placement with this key failed and let go of it in between.
    return { claimed: false, existing };
  }

  /**
   * Turns a claim into a PENDING order with its priced items, announces it, and reads it back, all in one
   * transaction: if this throws, nothing was committed. Fails when the claim is no longer `placing` (recovery
   * gave up on it), so a placement that outlived its deadlines cannot complete after its stock was released.
   */
  async completePlacement(id: string, items: readonly PricedItem[], total: Money): Promise<Order> {
    return this.db.transaction(async (tx) => {
      const [placed] = await tx
        .update(orders)
        .set({
          status: 'pending',
          stockReserved: true,
          totalAmountMinor: total.amountMinor,
          currencyCode: total.currencyCode,
          updatedAt: NOW,
        })
        .where(and(eq(orders.id, id), eq(orders.status, 'placing')))
        .returning();
      if (!placed) throw new Error(`the claim of order ${id} was given up before the placement completed`);
      await tx.insert(orderItems).values(
        items.map((item, position) => ({
          orderId: id,
          position,
          productId: item.productId,
          quantity: item.quantity,
          unitAmountMinor: item.unitPrice.amountMinor,
          currencyCode: item.unitPrice.currencyCode,
        })),
      );
      await notify(tx, placed);
      return mustBeOrder(await withItems(tx, [placed]));
    });
  }

  /** Forgets a placement that failed and whose stock is known to be released. */
  async deleteClaim(id: string): Promise<void> {
    await this.db.delete(orders).where(and(eq(orders.id, id), inArray(orders.status, [...INTERNAL_STATES])));
  }

  async findById(id: string): Promise<Order | undefined> {
    const [row] = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.id, id), notInArray(orders.status, [...INTERNAL_STATES])));
    return row ? (await withItems(this.db, [row]))[0] : undefined;
  }

  async findByIds(ids: readonly string[]): Promise<Order[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(inArray(orders.id, [...ids]), notInArray(orders.status, [...INTERNAL_STATES])));
    return withItems(this.db, rows);
  }

  /** One page of a user's orders, newest first (ids are UUIDv7), and whether more follow. */
  async listByUser(userId: string, beforeId: string | undefined, limit: number): Promise<{ orders: Order[]; hasMore: boolean }> {
    const rows = await this.db
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.userId, userId),
          notInArray(orders.status, [...INTERNAL_STATES]),
          beforeId === undefined ? undefined : lt(orders.id, beforeId),
        ),
      )
      .orderBy(desc(orders.id))
      .limit(limit + 1);
    return { orders: await withItems(this.db, rows.slice(0, limit)), hasMore: rows.length > limit };
  }

  /**
   * Moves an order to `to` if it is currently in one of `from`, and announces the change in the same
   * transaction, so watchers hear of exactly the changes that were committed. Times come from the database's
   * clock, so changes made through different instances order correctly.
   */
  async changeStatus(id: string, from: readonly OrderStatus[], to: OrderStatus): Promise<Order | undefined> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(orders)
        .set({ status: to, updatedAt: NOW })
        .where(and(eq(orders.id, id), inArray(orders.status, [...from])))
        .returning();
      if (!row) return undefined;
      await notify(tx, row);
      return mustBeOrder(await withItems(tx, [row]));
    });
  }

  async markStockReleased(id: string): Promise<void> {
    await this.db.update(orders).set({ stockReserved: false }).where(eq(orders.id, id));
  }

  /** Claims still `placing` or `abandoned`: placements neither completed nor undone yet. */
  async countUnfinishedPlacements(): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(orders)
      .where(inArray(orders.status, ['placing', 'abandoned']));
    return row?.count ?? 0;
  }

  /**
   * Gives up on placements that have been under way for longer than `seconds` (by the database's clock),
   * which no placement can take since every step has a deadline: their process died, or their compensation
   * failed. Marking them `abandoned` first means such a placement can no longer complete; the rows (and earlier
   * abandoned ones whose release failed) are returned for their stock to be released.
   */
  async abandonStalePlacements(seconds: number): Promise<OrderRow[]> {
    await this.db
      .update(orders)
      .set({ status: 'abandoned' })
      .where(and(eq(orders.status, 'placing'), lt(orders.createdAt, sql`now() - make_interval(secs => ${seconds})`)));
    return this.db.select().from(orders).where(eq(orders.status, 'abandoned')).orderBy(asc(orders.createdAt)).limit(100);
  }

  /** Orders in `statuses` that have not changed for `seconds` (by the database's clock), oldest first. */
  async unchangedFor(statuses: readonly OrderStatus[], seconds: number): Promise<OrderRow[]> {
    return this.db
      .select()
      .from(orders)
      .where(and(inArray(orders.status, [...statuses]), lt(orders.updatedAt, sql`now() - make_interval(secs => ${seconds})`)))
      .orderBy(asc(orders.updatedAt))
      .limit(100);
  }

  /** Cancelled orders whose stock release has not been confirmed yet. */
  async cancelledWithReservedStock(): Promise<OrderRow[]> {
    return this.db
      .select()
      .from(orders)
      .where(and(eq(orders.status, 'cancelled'), eq(orders.stockReserved, true)))
      .limit(100);
  }
}

/** The orders of `rows` with their items, in one query, through the database or an open transaction. */
async function withItems(db: Pick<OrdersDatabase, 'select'>, rows: OrderRow[]): Promise<Order[]> {
  if (rows.length === 0) return [];
  const items = await db
    .select()
    .from(orderItems)
    .where(
      inArray(
        orderItems.orderId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(orderItems.orderId), asc(orderItems.position));
  const byOrder = Map.groupBy(items, (item) => item.orderId);
  return rows.map((row) => toOrder(row, byOrder.get(row.id) ?? []));
}

function mustBeOrder(found: Order[]): Order {
  const [order] = found;
  if (!order) throw new Error('an order row that was just written is missing');
  return order;
}

/** Announces a committed change, with the trace that made it, so that watchers' spans can link to it. */
async function notify(tx: Pick<OrdersDatabase, 'execute'>, row: OrderRow): Promise<void> {
  const payload = JSON.stringify({
    orderId: row.id,
    status: row.status,
    changedAt: row.updatedAt.toISOString(),
    traceparent: activeTraceparent(),
  });
  await tx.execute(sql`select pg_notify(${ORDER_STATUS_CHANNEL}, ${payload})`);
}

function toOrder(row: OrderRow, items: OrderItemRow[]): Order {
  if (row.status === 'placing' || row.status === 'abandoned') throw new Error(`order ${row.id} was never placed`);
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    items: items.map((item) => {
      const unitPrice = { amountMinor: item.unitAmountMinor, currencyCode: item.currencyCode };
      return { productId: item.productId, quantity: item.quantity, unitPrice, lineTotal: lineTotal(unitPrice, item.quantity) };
    }),
    total: { amountMinor: row.totalAmountMinor, currencyCode: row.currencyCode },
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
