import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { UsersDatabase } from '../db/database.js';
import { browserSessions, oauthRecords } from '../db/schema.js';

/**
 * Deletes what sign-ins leave behind once it has expired, every ten minutes: OAuth records (codes, refresh tokens,
 * grants) and browser sessions. Nothing can find them any more, and they would only take room. Every replica
 * sweeps; a sweep that finds nothing costs one indexed query per table.
 */
export class ExpiredSignInRecordsSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
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
      const now = new Date();
      await this.db.delete(oauthRecords).where(lt(oauthRecords.expiresAt, now));
      await this.db.delete(browserSessions).where(lt(browserSessions.expiresAt, now));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not delete expired OAuth records and sessions; will try again');
    }
  }
}
