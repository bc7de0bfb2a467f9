import { Inject, Injectable } from '@nestjs/common';
import { asc, eq, gt, inArray } from 'drizzle-orm';
import { isUniqueViolation } from '@triad/platform';
import { USERS_DATABASE, type UsersDatabase } from '../db/database.js';
import { users, type NewUserRow, type UserRow } from '../db/schema.js';

/** Storage of accounts. Knows SQL and nothing about callers or transports. */
@Injectable()
export class UsersRepository {
  constructor(@Inject(USERS_DATABASE) private readonly db: UsersDatabase) {}

  /** Inserts a user; resolves `undefined` when the email is already taken. */
  async insert(row: NewUserRow): Promise<UserRow | undefined> {
    try {
      const [created] = await this.db.insert(users).values(row).returning();
      return created;
    } catch (error) {
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async findById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  async findByIds(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(users)
      .where(inArray(users.id, [...ids]));
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.email, email));
    return row;
  }

  /** One page in creation order (ids are UUIDv7), fetching one extra row to know whether more follow. */
  async listAfter(afterId: string | undefined, limit: number): Promise<{ rows: UserRow[]; hasMore: boolean }> {
    const rows = await this.db
      .select()
      .from(users)
      .where(afterId === undefined ? undefined : gt(users.id, afterId))
      .orderBy(asc(users.id))
      .limit(limit + 1);
    return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.db.select({ id: users.id }).from(users).limit(1);
    return rows.length === 0;
  }
}
