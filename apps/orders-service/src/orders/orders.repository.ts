import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import { ORDERS_DATABASE, type OrdersDatabase } from '../db/database.js';
import { orderItems, orders, type OrderItemRow, type OrderRow } from '../db/schema.js';
import type { Money, Order, OrderStatus } from './order.js';

/** The NOTIFY channel on which every committed status change is announced (lower case: PGlite does not quote). */
export const ORDER_STATUS_CHANNEL = 'order_status_changed';

export interface Claim {
  id: string;
  userId: string;
  idempotencyKey: string;
  requestHash: string;
}

export interface PricedItem {
  productId: string;
  quantity: number;
  unitPrice: Money;
}

/** Storage of orders. Knows SQL and nothing about callers or other services. */
@Injectable()
export class OrdersRepository {
  constructor(@Inject(ORDERS_DATABASE) private readonly db: OrdersDatabase) {}

  /**
   * Claims an idempotency key for a new placement. Resolves the existing row instead when the key is taken,
   * so two concurrent requests with one key never both place an order.
   */
  async claim(claim: Claim): Promise<{ claimed: true } | { claimed: false; existing: OrderRow }> {
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
    if (!existing) throw new Error('an idempotency key conflicted with a row that no longer exists');
    return { claimed: false, existing };
  }

  /** Turns a claim into a PENDING order with its priced items, in one transaction, and announces it. */
  async completePlacement(id: string, items: readonly PricedItem[], total: Money): Promise<Order> {
    await this.db.transaction(async (tx) => {
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
      const [placed] = await tx
        .update(orders)
        .set({
          status: 'pending',
          stockReserved: true,
          totalAmountMinor: total.amountMinor,
          currencyCode: total.currencyCode,
          updatedAt: new Date(),
        })
        .where(and(eq(orders.id, id), eq(orders.status, 'placing')))
        .returning();
      if (!placed) throw new Error(`the claim of order ${id} disappeared during placement`);
      await notify(tx, placed);
    });
    return this.mustFind(id);
  }

  /** Forgets a placement that failed and whose stock is known to be released. */
  async deleteClaim(id: string): Promise<void> {
    await this.db.delete(orders).where(and(eq(orders.id, id), eq(orders.status, 'placing')));
  }

  async findById(id: string): Promise<Order | undefined> {
    const [row] = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.id, id), ne(orders.status, 'placing')));
    return row ? (await this.withItems([row]))[0] : undefined;
  }

  async findByIds(ids: readonly string[]): Promise<Order[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(inArray(orders.id, [...ids]), ne(orders.status, 'placing')));
    return this.withItems(rows);
  }

  /** One page of a user's orders, newest first (ids are UUIDv7), and whether more follow. */
  async listByUser(userId: string, beforeId: string | undefined, limit: number): Promise<{ orders: Order[]; hasMore: boolean }> {
    const rows = await this.db
      .select()
      .from(orders)
      .where(and(eq(orders.userId, userId), ne(orders.status, 'placing'), beforeId === undefined ? undefined : lt(orders.id, beforeId)))
      .orderBy(desc(orders.id))
      .limit(limit + 1);
    return { orders: await this.withItems(rows.slice(0, limit)), hasMore: rows.length > limit };
  }

  /**
   * Moves an order to `to` if it is currently in one of `from`, and announces the change in the same
   * transaction, so watchers hear of exactly the changes that were committed.
   */
  async changeStatus(id: string, from: readonly OrderStatus[], to: OrderStatus): Promise<Order | undefined> {
    const changed = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(orders)
        .set({ status: to, updatedAt: new Date() })
        .where(and(eq(orders.id, id), inArray(orders.status, [...from])))
        .returning();
      if (row) await notify(tx, row);
      return row;
    });
    return changed ? this.mustFind(id) : undefined;
  }

  async markStockReleased(id: string): Promise<void> {
    await this.db.update(orders).set({ stockReserved: false }).where(eq(orders.id, id));
  }

  /** Placements that have been under way for longer than any placement can take: their process died. */
  async abandonedClaims(startedBefore: Date): Promise<OrderRow[]> {
    return this.db
      .select()
      .from(orders)
      .where(and(eq(orders.status, 'placing'), lt(orders.createdAt, startedBefore)))
      .orderBy(asc(orders.createdAt))
      .limit(100);
  }

  /** Orders in `statuses` that have not changed since `before`, oldest first. */
  async unchangedSince(statuses: readonly OrderStatus[], before: Date): Promise<OrderRow[]> {
    return this.db
      .select()
      .from(orders)
      .where(and(inArray(orders.status, [...statuses]), lt(orders.updatedAt, before)))
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

  private async mustFind(id: string): Promise<Order> {
    const order = await this.findById(id);
    if (!order) throw new Error(`order ${id} vanished`);
    return order;
  }

  private async withItems(rows: OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const items = await this.db
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
}

async function notify(tx: Pick<OrdersDatabase, 'execute'>, row: OrderRow): Promise<void> {
  const payload = JSON.stringify({ orderId: row.id, status: row.status, changedAt: row.updatedAt.toISOString() });
  await tx.execute(sql`select pg_notify(${ORDER_STATUS_CHANNEL}, ${payload})`);
}

function toOrder(row: OrderRow, items: OrderItemRow[]): Order {
  if (row.status === 'placing') throw new Error(`order ${row.id} is still being placed`);
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    items: items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPrice: { amountMinor: item.unitAmountMinor, currencyCode: item.currencyCode },
      lineTotal: { amountMinor: item.unitAmountMinor * BigInt(item.quantity), currencyCode: item.currencyCode },
    })),
    total: { amountMinor: row.totalAmountMinor, currencyCode: row.currencyCode },
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
