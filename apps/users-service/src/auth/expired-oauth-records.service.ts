import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { UsersDatabase } from '../db/database.js';
import { oauthRecords } from '../db/schema.js';

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
