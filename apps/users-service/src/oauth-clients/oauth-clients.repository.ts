import { Inject, Injectable } from '@nestjs/common';
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { USERS_DATABASE, type UsersDatabase } from '../db/database.js';
import { oauthClients, users, type OAuthClientRow } from '../db/schema.js';

export type NewOAuthClientRow = typeof oauthClients.$inferInsert;

/** Storage of the OAuth clients users register. Knows SQL and nothing about callers or transports. */
@Injectable()
export class OAuthClientsRepository {
  constructor(@Inject(USERS_DATABASE) private readonly db: UsersDatabase) {}

  /**
   * Inserts a client unless its owner already holds `limit` live ones; resolves `undefined` then. The owner's row is
   * locked for the count, so registrations sent at once cannot pass the limit together.
   */
  insertWithinLimit(row: NewOAuthClientRow, limit: number): Promise<OAuthClientRow | undefined> {
    return this.db.transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.id, row.userId)).for('update');
      const [held] = await tx
        .select({ live: count() })
        .from(oauthClients)
        .where(and(eq(oauthClients.userId, row.userId), isNull(oauthClients.revokedAt)));
      if ((held?.live ?? 0) >= limit) return undefined;
      const [created] = await tx.insert(oauthClients).values(row).returning();
      return created;
    });
  }

  /** A user's live clients, newest first. */
  listLive(userId: string): Promise<OAuthClientRow[]> {
    return this.db
      .select()
      .from(oauthClients)
      .where(and(eq(oauthClients.userId, userId), isNull(oauthClients.revokedAt)))
      .orderBy(desc(oauthClients.createdAt), desc(oauthClients.id));
  }

  /** A live client by id, whoever owns it; `undefined` once it is revoked. */
  async findLive(id: string): Promise<OAuthClientRow | undefined> {
    const [row] = await this.db
      .select()
      .from(oauthClients)
      .where(and(eq(oauthClients.id, id), isNull(oauthClients.revokedAt)));
    return row;
  }

  /** Revokes a live client of `userId`'s; false when they have none with this id. */
  async revoke(id: string, userId: string, at: Date): Promise<boolean> {
    const revoked = await this.db
      .update(oauthClients)
      .set({ revokedAt: at })
      .where(and(eq(oauthClients.id, id), eq(oauthClients.userId, userId), isNull(oauthClients.revokedAt)))
      .returning({ id: oauthClients.id });
    return revoked.length > 0;
  }
}
