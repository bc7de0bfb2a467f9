import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Keys that third-party clients send as `X-API-Key`. Only a hash of each secret is kept, so a copy of this
 * table lets no one call the API. `owner_role` is the owner's role when the key was made: requests with the
 * key act with that role, without asking users-service on each request.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id').notNull(),
    ownerRole: text('owner_role', { enum: ['customer', 'admin'] }).notNull(),
    name: text('name').notNull(),
    /** The start of the secret (`triad_ab12cd34`), shown in lists so people can tell their keys apart. */
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    uniqueIndex('api_keys_secret_hash_key').on(table.secretHash),
    index('api_keys_user_id_idx').on(table.userId),
    check('api_keys_owner_role_check', sql`${table.ownerRole} in ('customer', 'admin')`),
  ],
);

/** How many requests each key made each day (UTC), one row per key and day. */
export const apiKeyUsage = pgTable(
  'api_key_usage',
  {
    keyId: uuid('key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    requestCount: integer('request_count').notNull(),
  },
  (table) => [primaryKey({ columns: [table.keyId, table.day] })],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;

export const schema = { apiKeys, apiKeyUsage };
