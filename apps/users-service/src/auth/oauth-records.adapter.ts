import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Logger } from 'pino';
import type { UsersDatabase } from '../db/database.js';
import { oauthRecords } from '../db/schema.js';

/**
 * oidc-provider's storage in users-service's own database (`oauth_records`), so that what the authorization
 * server hands out (codes, refresh tokens, grants, sign-in sessions) survives a restart and is the same for
 * every replica. One adapter per model, as the library asks; revoking a grant deletes every record of it,
 * whatever its model, which is how a reused refresh token takes its whole family with it.
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

  async consume(id: string): Promise<void> {
    await this.db
      .update(oauthRecords)
      .set({ consumedAt: new Date() })
      .where(and(eq(oauthRecords.model, this.model), eq(oauthRecords.id, id)));
  }

  async destroy(id: string): Promise<void> {
    await this.db.delete(oauthRecords).where(and(eq(oauthRecords.model, this.model), eq(oauthRecords.id, id)));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.delete(oauthRecords).where(eq(oauthRecords.grantId, grantId));
  }

  private async findWhere(condition: ReturnType<typeof eq>): Promise<AdapterPayload | undefined> {
    const [row] = await this.db
      .select()
      .from(oauthRecords)
      .where(
        and(eq(oauthRecords.model, this.model), condition, or(isNull(oauthRecords.expiresAt), gt(oauthRecords.expiresAt, new Date()))),
      );
    if (!row) return undefined;
    // The library reads `consumed` (seconds since the epoch) to tell a used code or refresh token.
    return { ...row.payload, ...(row.consumedAt ? { consumed: Math.floor(row.consumedAt.getTime() / 1000) } : {}) } as AdapterPayload;
  }
}

/**
 * Deletes the records that have expired, every ten minutes: nothing can find them any more, and they would
 * only take room. Every replica sweeps; a sweep that finds nothing costs one indexed query.
 */
export class ExpiredOAuthRecordsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: UsersDatabase,
    private readonly logger: Logger,
    private readonly intervalMs = 10 * 60_000,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    try {
      await this.db.delete(oauthRecords).where(lt(oauthRecords.expiresAt, new Date()));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not delete expired OAuth records; will try again');
    }
  }
}
