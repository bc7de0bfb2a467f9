import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gte, sql } from 'drizzle-orm';
import { CATALOG_DATABASE, type CatalogDatabase } from '../db/database.js';
import { products, reservationLines, reservations, type ProductRow, type ReservationRow } from '../db/schema.js';
import type { ReservationLine } from './reservation-input.schema.js';

type CatalogTransaction = Parameters<Parameters<CatalogDatabase['transaction']>[0]>[0];

export interface StoredReservation extends ReservationRow {
  lines: ReservationLine[];
}

/** Storage of reservations and the stock they hold. Knows SQL and nothing about callers or transports. */
@Injectable()
export class ReservationsRepository {
  constructor(@Inject(CATALOG_DATABASE) private readonly db: CatalogDatabase) {}

  /** Runs `work` in one transaction: it commits when `work` resolves and rolls back everything when it throws. */
  transaction<T>(work: (tx: ReservationsTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new ReservationsTransaction(tx)));
  }

  /** Reservations holding stock now: reserved and not yet released. */
  async countHeld(): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(reservations)
      .where(eq(reservations.status, 'reserved'));
    return row?.count ?? 0;
  }
}

/** The statements a reservation or release is made of, all in one transaction. */
export class ReservationsTransaction {
  constructor(private readonly tx: CatalogTransaction) {}

  /**
   * Inserts the reservation's row, unless one with the id exists: resolves the new row, or `undefined`. When
   * another transaction has just inserted the same id, PostgreSQL makes this one wait until that one commits
   * or rolls back, so of two concurrent calls with one id exactly one does the work.
   */
  async claim(id: string, status: ReservationRow['status'], now: Date): Promise<ReservationRow | undefined> {
    const [claimed] = await this.tx
      .insert(reservations)
      .values({ id, status, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: reservations.id })
      .returning();
    return claimed;
  }

  /** The reservation with its lines in product-id order; its row stays locked until the transaction ends. */
  async findForUpdate(id: string): Promise<StoredReservation | undefined> {
    const [row] = await this.tx.select().from(reservations).where(eq(reservations.id, id)).for('update');
    if (!row) return undefined;
    const lines = await this.tx
      .select({ productId: reservationLines.productId, quantity: reservationLines.quantity })
      .from(reservationLines)
      .where(eq(reservationLines.reservationId, id))
      .orderBy(asc(reservationLines.productId));
    return { ...row, lines };
  }

  /**
   * Takes `quantity` units of a product only if that many are on hand: resolves `false`, changing nothing,
   * when the product is missing or short. The UPDATE locks the product's row, so concurrent reservations of
   * one product queue up and each sees the stock the one before it left.
   */
  async takeStock(productId: string, quantity: number, now: Date): Promise<boolean> {
    const taken = await this.tx
      .update(products)
      .set({ stockOnHand: sql`${products.stockOnHand} - ${quantity}`, updatedAt: now })
      .where(and(eq(products.id, productId), gte(products.stockOnHand, quantity)))
      .returning({ id: products.id });
    return taken.length === 1;
  }

  async returnStock(productId: string, quantity: number, now: Date): Promise<void> {
    await this.tx
      .update(products)
      .set({ stockOnHand: sql`${products.stockOnHand} + ${quantity}`, updatedAt: now })
      .where(eq(products.id, productId));
  }

  async findProduct(productId: string): Promise<ProductRow | undefined> {
    const [row] = await this.tx.select().from(products).where(eq(products.id, productId));
    return row;
  }

  async addLines(reservationId: string, lines: readonly ReservationLine[]): Promise<void> {
    await this.tx.insert(reservationLines).values(lines.map((line) => ({ reservationId, ...line })));
  }

  async markReleased(id: string, now: Date): Promise<ReservationRow> {
    const [released] = await this.tx
      .update(reservations)
      .set({ status: 'released', updatedAt: now })
      .where(eq(reservations.id, id))
      .returning();
    if (!released) throw new Error(`reservation ${id} vanished inside its own transaction`);
    return released;
  }
}
