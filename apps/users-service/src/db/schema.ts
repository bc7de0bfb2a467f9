import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Accounts. Emails are stored lower-cased, so the unique index makes them unique regardless of case. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['customer', 'admin'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('users_email_key').on(table.email),
    check('users_role_check', sql`${table.role} in ('customer', 'admin')`),
    check('users_email_lowercase_check', sql`${table.email} = lower(${table.email})`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

/**
 * What the authorization server (oidc-provider) keeps between requests, one row per record of each of its
 * models: authorization codes, refresh tokens, grants, sessions, interactions, registered clients. `payload` is
 * the library's own record; the other columns are the lookups it needs (by grant, to revoke a grant's tokens at
 * once; by session uid) and the record's expiry. Expired rows are found by nobody and deleted periodically.
 */
export const oauthRecords = pgTable(
  'oauth_records',
  {
    model: text('model').notNull(),
    id: text('id').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    grantId: text('grant_id'),
    uid: text('uid'),
    userCode: text('user_code'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    consumedAt: timestamp('consumed_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    primaryKey({ columns: [table.model, table.id] }),
    index('oauth_records_grant_id_idx').on(table.grantId),
    index('oauth_records_uid_idx').on(table.uid),
    index('oauth_records_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * The browser sessions the gateway holds for the web app (its backend-for-frontend): the browser keeps only an
 * opaque secret in an HttpOnly cookie, and this row, found by the secret's SHA-256, is the session. Ending a
 * session deletes its row, so a copied cookie stops working on its next request, on every gateway replica.
 */
export const browserSessions = pgTable(
  'browser_sessions',
  {
    id: uuid('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('browser_sessions_secret_hash_key').on(table.secretHash),
    index('browser_sessions_user_id_idx').on(table.userId),
    index('browser_sessions_expires_at_idx').on(table.expiresAt),
  ],
);

export type BrowserSessionRow = typeof browserSessions.$inferSelect;

/**
 * The OAuth 2.0 clients users register for their own scripts: confidential, client credentials only, each acting
 * for its owner with the scopes chosen at registration. The secret is kept only as its SHA-256 (the token
 * endpoint hashes what a client presents and compares), so this table cannot give one away. A revoked client
 * keeps its row, with `revoked_at`, and gets no new token.
 */
export const oauthClients = pgTable(
  'oauth_clients',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scopes: text('scopes').array().notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [index('oauth_clients_user_id_idx').on(table.userId)],
);

export type OAuthClientRow = typeof oauthClients.$inferSelect;

export const schema = { users, oauthRecords, browserSessions, oauthClients };
