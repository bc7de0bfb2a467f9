import { Inject, Injectable } from '@nestjs/common';
import { and, eq, gt } from 'drizzle-orm';
import { USERS_DATABASE, type UsersDatabase } from '../db/database.js';
import { browserSessions, users, type UserRow } from '../db/schema.js';

/** Storage of browser sessions, by the SHA-256 of their secret. Knows SQL and nothing about callers. */
@Injectable()
export class BrowserSessionsRepository {
  constructor(@Inject(USERS_DATABASE) private readonly db: UsersDatabase) {}

  async insert(session: { id: string; secretHash: string; userId: string; expiresAt: Date }): Promise<void> {
    await this.db.insert(browserSessions).values(session);
  }

  /** The live session with this secret hash and its user, in one query; nothing once it has ended or expired. */
  async findLive(secretHash: string, now = new Date()): Promise<{ expiresAt: Date; user: UserRow } | undefined> {
    const [row] = await this.db
      .select({ expiresAt: browserSessions.expiresAt, user: users })
      .from(browserSessions)
      .innerJoin(users, eq(users.id, browserSessions.userId))
      .where(and(eq(browserSessions.secretHash, secretHash), gt(browserSessions.expiresAt, now)));
    return row;
  }

  async delete(secretHash: string): Promise<void> {
    await this.db.delete(browserSessions).where(eq(browserSessions.secretHash, secretHash));
  }
}
