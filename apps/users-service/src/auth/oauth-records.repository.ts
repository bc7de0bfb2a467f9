import { and, eq, gt, isNull, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { UsersDatabase } from '../db/database.js';
import { oauthRecords } from '../db/schema.js';
import { OAUTH_TTL_SECONDS } from './oauth-lifetimes.js';

/**
 * A revoked grant's mark, kept as long as anything of the grant could live: a request that was already using the
 * grant when it was revoked (the winner of a refresh token raced by a thief) may still write a record of it
 * afterwards, and that record must not be found. Such a record lives from when it was written, a moment after the
 * revocation: the mark outlives the longest-lived record by an hour.
 */
const REVOKED_GRANT = 'RevokedGrant';
const REVOKED_GRANT_TTL_SECONDS = OAUTH_TTL_SECONDS.refreshToken + 3600;
const revoked = alias(oauthRecords, 'revoked');

/**
 * oidc-provider's storage in users-service's own database (`oauth_records`), so that what the authorization
 * server hands out (codes, refresh tokens, grants, sign-in sessions) survives a restart and is the same for
 * every replica. One adapter per model, as the library asks; revoking a grant deletes every record of it,
 * whatever its model, and marks it revoked so that none written later is found: that is how a reused refresh token
 * takes its whole family with it, even a token a request racing the revocation was still issuing.
 */
export function oauthRecordsAdapter(db: UsersDatabase): (model: string) => Adapter {
  return (model) => new OAuthRecordsAdapter(db, model);
}

class OAuthRecordsAdapter implements Adapter {
  constructor(
    private readonly db: UsersDatabase,
    private readonly model: string,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const columns = {
      payload: payload as Record<string, unknown>,
      grantId: payload.grantId ?? null,
      uid: payload.uid ?? null,
      userCode: payload.userCode ?? null,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    await this.db
      .insert(oauthRecords)
      .values({ model: this.model, id, ...columns })
      .onConflictDoUpdate({ target: [oauthRecords.model, oauthRecords.id], set: columns });
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(eq(oauthRecords.id, id));
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(eq(oauthRecords.uid, uid));
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere(eq(oauthRecords.userCode, userCode));
  }

  /**
   * Marks a code or refresh token used, once. The library checks `consumed` before calling this, but two requests
   * with the same token can both pass that check: the second to get here finds it used, revokes the whole grant
   * as for any reuse, and fails.
   */
  async consume(id: string): Promise<void> {
    const [used] = await this.db
      .update(oauthRecords)
      .set({ consumedAt: new Date() })
      .where(and(eq(oauthRecords.model, this.model), eq(oauthRecords.id, id), isNull(oauthRecords.consumedAt)))
      .returning({ grantId: oauthRecords.grantId });
    if (used) return;
    const [record] = await this.db
      .select({ grantId: oauthRecords.grantId })
      .from(oauthRecords)
      .where(and(eq(oauthRecords.model, this.model), eq(oauthRecords.id, id)));
    if (record?.grantId) await this.revokeByGrantId(record.grantId);
    throw new errors.InvalidGrant('grant request is invalid');
  }

  async destroy(id: string): Promise<void> {
    await this.db.delete(oauthRecords).where(and(eq(oauthRecords.model, this.model), eq(oauthRecords.id, id)));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db
      .insert(oauthRecords)
      .values({ model: REVOKED_GRANT, id: grantId, payload: {}, expiresAt: new Date(Date.now() + REVOKED_GRANT_TTL_SECONDS * 1000) })
      .onConflictDoNothing();
    await this.db.delete(oauthRecords).where(eq(oauthRecords.grantId, grantId));
  }

  private async findWhere(condition: ReturnType<typeof eq>): Promise<AdapterPayload | undefined> {
    const [row] = await this.db
      .select()
      .from(oauthRecords)
      .where(
        and(
          eq(oauthRecords.model, this.model),
          condition,
          or(isNull(oauthRecords.expiresAt), gt(oauthRecords.expiresAt, new Date())),
          notExists(
            this.db
              .select({ one: sql`1` })
              .from(revoked)
              .where(
                and(eq(revoked.model, REVOKED_GRANT), eq(revoked.id, this.model === 'Grant' ? oauthRecords.id : oauthRecords.grantId)),
              ),
          ),
        ),
      );
    if (!row) return undefined;
    // The library reads `consumed` (seconds since the epoch) to tell a used code or refresh token.
    return { ...row.payload, ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}) } as AdapterPayload;
  }
}
