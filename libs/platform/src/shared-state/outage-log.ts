import type { Logger } from 'pino';

/**
 * The log of a shared store a process can do without for a while (a cache, the gateway's persisted queries): a
 * line when it starts failing and one when it works again, none for each request in between, so that an outage
 * of Valkey costs a line as it starts and one as it ends, not one per request (connectValkey logs the lost
 * connection itself). A store whose reads and writes can fail apart keeps one for each.
 */
export class OutageLog {
  private failing = false;

  constructor(
    private readonly logger: Logger,
    private readonly lines: { unavailable: string; available: string },
  ) {}

  /** Records a failed use of the store; returns nothing, for a caller that goes on without it. */
  failed(error: unknown): undefined {
    if (!this.failing) this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, this.lines.unavailable);
    this.failing = true;
    return undefined;
  }

  /** Records a use of the store that worked; returns `result`. */
  worked<T>(result: T): T {
    if (this.failing) this.logger.info(this.lines.available);
    this.failing = false;
    return result;
  }
}
