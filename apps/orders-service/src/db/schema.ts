import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * `placing` and `abandoned` are internal. `placing` is the row that claims an idempotency key while a
 * placement is under way; it becomes `pending` once stock is reserved, or is deleted after the reservation is
 * released. Recovery marks a placement that outlived every deadline `abandoned` before releasing its stock, so
 * the placement can no longer complete. Clients never see either.
 */
export const ORDER_STATES = ['placing', 'abandoned', 'pending', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const INTERNAL_STATES = ['placing', 'abandoned'] as const satisfies readonly OrderState[];

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    status: text('status', { enum: ORDER_STATES }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** A digest of the placement request, so reusing a key for a different request is caught. */
    requestHash: text('request_hash').notNull(),
    totalAmountMinor: bigint('total_amount_minor', { mode: 'bigint' })
      .notNull()
      .default(sql`0`),
    currencyCode: text('currency_code').notNull().default('USD'),
    /** The stock reservation in catalog-service; its id is the order id. False once it has been released. */
    stockReserved: boolean('stock_reserved').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('orders_user_idempotency_key').on(table.userId, table.idempotencyKey),
    index('orders_user_newest_first').on(table.userId, table.id.desc()),
    check(
      'orders_status_check',
      sql`${table.status} in ('placing', 'abandoned', 'pending', 'confirmed', 'shipped', 'delivered', 'cancelled')`,
    ),
  ],
);

/** The lines of an order, with the price each product had when the order was placed. */
export const orderItems = pgTable(
  'order_items',
  {
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitAmountMinor: bigint('unit_amount_minor', { mode: 'bigint' }).notNull(),
    currencyCode: text('currency_code').notNull(),
  },
  (table) => [primaryKey({ columns: [table.orderId, table.position] }), check('order_items_quantity_check', sql`${table.quantity} > 0`)],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;

export const schema = { orders, orderItems };
