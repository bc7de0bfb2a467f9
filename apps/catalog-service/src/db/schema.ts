import { sql } from 'drizzle-orm';
import { bigint, check, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Products for sale. SKUs are stored upper-cased, so the unique index makes them unique regardless of case.
 * The price is an integer count of the currency's minor unit (cents), never a float.
 */
export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    priceAmountMinor: bigint('price_amount_minor', { mode: 'bigint' }).notNull(),
    priceCurrencyCode: text('price_currency_code').notNull(),
    stockOnHand: integer('stock_on_hand').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('products_sku_key').on(table.sku),
    check('products_sku_uppercase_check', sql`${table.sku} = upper(${table.sku})`),
    check('products_price_amount_minor_check', sql`${table.priceAmountMinor} >= 0`),
    check('products_price_currency_code_check', sql`${table.priceCurrencyCode} ~ '^[A-Z]{3}$'`),
    // The last guard against overselling: the reservation queries never take more than is on hand, and
    // should one ever try, the database refuses the write.
    check('products_stock_on_hand_check', sql`${table.stockOnHand} >= 0`),
  ],
);

/**
 * Stock reservations, keyed by the id the client chose. A row is written before any stock moves, so the
 * primary key decides which of two concurrent calls with the same id does the work. A `released` row with
 * no lines is a tombstone: a release that arrived before its reservation (see ReservationsService).
 */
export const reservations = pgTable(
  'reservations',
  {
    id: text('id').primaryKey(),
    status: text('status', { enum: ['reserved', 'released'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [check('reservations_status_check', sql`${table.status} in ('reserved', 'released')`)],
);

/** The products and quantities a reservation holds, at most one line per product. */
export const reservationLines = pgTable(
  'reservation_lines',
  {
    reservationId: text('reservation_id')
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.reservationId, table.productId] }),
    check('reservation_lines_quantity_check', sql`${table.quantity} > 0`),
  ],
);

export type ProductRow = typeof products.$inferSelect;
export type NewProductRow = typeof products.$inferInsert;
export type ReservationRow = typeof reservations.$inferSelect;
export type ReservationLineRow = typeof reservationLines.$inferSelect;

export const schema = { products, reservations, reservationLines };
