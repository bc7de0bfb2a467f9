import { Inject, Injectable } from '@nestjs/common';
import { and, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { REST_API_DATABASE, type RestApiDatabase } from '../db/database.js';
import { apiKeys, apiKeyUsage, type ApiKeyRow, type NewApiKeyRow } from '../db/schema.js';

/** A key as stored, with the number of requests it made on the day asked about. */
export type ApiKeyWithUsage = ApiKeyRow & { requestsOnDay: number };

/** Storage of API keys and their daily request counts. Knows SQL and nothing about callers or transports. */
@Injectable()
export class ApiKeysRepository {
  constructor(@Inject(REST_API_DATABASE) private readonly db: RestApiDatabase) {}

  async insert(row: NewApiKeyRow): Promise<ApiKeyRow> {
    const [created] = await this.db.insert(apiKeys).values(row).returning();
    if (!created) throw new Error('inserting an API key returned no row');
    return created;
  }

  /** A user's keys, newest first (ids are UUIDv7), revoked ones included. `day` is a UTC date, `2025-01-31`. */
  listByUser(userId: string, day: string): Promise<ApiKeyWithUsage[]> {
    return this.selectWithUsage(day).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.id));
  }

  async findById(id: string, day: string): Promise<ApiKeyWithUsage | undefined> {
    const [row] = await this.selectWithUsage(day).where(eq(apiKeys.id, id));
    return row;
  }

  async findBySecretHash(secretHash: string): Promise<ApiKeyRow | undefined> {
    const [row] = await this.db.select().from(apiKeys).where(eq(apiKeys.secretHash, secretHash));
    return row;
  }

  /** Marks a key revoked at `at`, or keeps the time it was first revoked; resolves that time. */
  async revoke(id: string, at: Date): Promise<Date | null> {
    const [row] = await this.db
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${at.toISOString()}::timestamptz)` })
      .where(eq(apiKeys.id, id))
      .returning({ revokedAt: apiKeys.revokedAt });
    return row?.revokedAt ?? null;
  }

  /** Counts one request made with the key on `day` and moves its last use to `at`. */
  async recordUse(id: string, at: Date, day: string): Promise<void> {
    // Two independent writes, sent together. Requests that overlap can finish out of order, so the last use
    // only ever moves forward (greatest() skips the null of a key never used before).
    await Promise.all([
      this.db
        .update(apiKeys)
        .set({ lastUsedAt: sql`greatest(${apiKeys.lastUsedAt}, ${at.toISOString()}::timestamptz)` })
        .where(eq(apiKeys.id, id)),
      this.db
        .insert(apiKeyUsage)
        .values({ keyId: id, day, requestCount: 1 })
        .onConflictDoUpdate({
          target: [apiKeyUsage.keyId, apiKeyUsage.day],
          set: { requestCount: sql`${apiKeyUsage.requestCount} + 1` },
        }),
    ]);
  }

  private selectWithUsage(day: string) {
    const requestsOnDay: SQL.Aliased<number> = sql`coalesce(${apiKeyUsage.requestCount}, 0)`.mapWith(Number).as('requests_on_day');
    return this.db
      .select({ ...getTableColumns(apiKeys), requestsOnDay })
      .from(apiKeys)
      .leftJoin(apiKeyUsage, and(eq(apiKeyUsage.keyId, apiKeys.id), eq(apiKeyUsage.day, day)));
  }
}
