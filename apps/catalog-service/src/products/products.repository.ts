import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, gt, ilike, inArray, or, sql } from 'drizzle-orm';
import { CATALOG_DATABASE, type CatalogDatabase } from '../db/database.js';
import { products, type NewProductRow, type ProductRow } from '../db/schema.js';

/**
 * Storage of products. Knows SQL and nothing about callers or transports. A write that would give two
 * products one SKU fails with PostgreSQL's unique violation, which the use cases translate.
 */
@Injectable()
export class ProductsRepository {
  constructor(@Inject(CATALOG_DATABASE) private readonly db: CatalogDatabase) {}

  async insert(row: NewProductRow): Promise<ProductRow> {
    const [created] = await this.db.insert(products).values(row).returning();
    if (!created) throw new Error('INSERT … RETURNING returned no row');
    return created;
  }

  /** Changes the given columns; resolves `undefined` when no product has the id. */
  async update(id: string, changes: Partial<NewProductRow>): Promise<ProductRow | undefined> {
    const [updated] = await this.db
      .update(products)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(products.id, id))
      .returning();
    return updated;
  }

  /**
   * Creates the product with this SKU or overwrites the one that has it. One statement per product, so it
   * locks only that row and can never deadlock with a reservation. `xmax = 0` holds only for a row version
   * this statement inserted, which tells a creation from an update without a second query.
   */
  async upsertBySku(row: NewProductRow): Promise<{ outcome: 'created' | 'updated'; id: string }> {
    const [result] = await this.db
      .insert(products)
      .values(row)
      .onConflictDoUpdate({
        target: products.sku,
        set: {
          name: row.name,
          description: row.description,
          priceAmountMinor: row.priceAmountMinor,
          priceCurrencyCode: row.priceCurrencyCode,
          stockOnHand: row.stockOnHand,
          updatedAt: row.updatedAt,
        },
      })
      .returning({ created: sql<boolean>`(xmax = 0)`, id: products.id });
    if (!result) throw new Error('INSERT … ON CONFLICT … RETURNING returned no row');
    return { outcome: result.created ? 'created' : 'updated', id: result.id };
  }

  async findByIds(ids: readonly string[]): Promise<ProductRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(products)
      .where(inArray(products.id, [...ids]));
  }

  /**
   * One page in creation order (ids are UUIDv7) of the products whose name or SKU contains `query`, fetching
   * one extra row to know whether more follow. A sequential scan with ILIKE is quick for a catalog of
   * thousands; a pg_trgm index is the next step beyond that.
   */
  async search(query: string, afterId: string | undefined, limit: number): Promise<{ rows: ProductRow[]; hasMore: boolean }> {
    const pattern = `%${escapeLikePattern(query)}%`;
    const rows = await this.db
      .select()
      .from(products)
      .where(
        and(
          query === '' ? undefined : or(ilike(products.name, pattern), ilike(products.sku, pattern)),
          afterId === undefined ? undefined : gt(products.id, afterId),
        ),
      )
      .orderBy(asc(products.id))
      .limit(limit + 1);
    return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.db.select({ id: products.id }).from(products).limit(1);
    return rows.length === 0;
  }
}

/** So that `%`, `_` and `\` in a search match themselves (backslash is LIKE's default escape character). */
function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
