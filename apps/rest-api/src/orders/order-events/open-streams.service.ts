import { DomainError, observeGauge } from '@triad/platform';
import type { FastifyRequest } from 'fastify';

/**
 * What a refused client is told to wait. A slot frees only when one of the caller's own streams ends, which
 * nothing here can foresee: 10 s lets a client that has just closed one come back soon without polling hard.
 */
const RETRY_AFTER_SECONDS = 10;

/**
 * The event streams each caller holds open on this instance, capped at `perCaller`: one caller cannot hold an
 * unbounded number of connections, each with its WatchOrder call. The caller is the API key a request came
 * with, else the signed-in user (all their tokens and devices together), as for the rate limit. The total is
 * the `triad.streams.open` gauge (`kind="sse"`).
 */
export class OpenStreams {
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(private readonly perCaller: number) {
    observeGauge('rest', 'triad.streams.open', 'Live event streams open to clients.', async () => this.total, { kind: 'sse' });
  }

  /**
   * Takes a slot for the verified caller of `request`, or fails with RESOURCE_EXHAUSTED (429, `Retry-After`)
   * when they hold `perCaller` already. The function returned gives the slot back; calling it again does nothing.
   */
  take(request: FastifyRequest): () => void {
    const caller = callerKey(request);
    const held = this.open.get(caller) ?? 0;
    if (held >= this.perCaller) {
      throw DomainError.tooManyRequests(
        'REQUEST.TOO_MANY_STREAMS',
        `This caller already has ${this.perCaller} event streams open, the most it may: close one before opening another.`,
        RETRY_AFTER_SECONDS,
      );
    }
    this.open.set(caller, held + 1);
    this.total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.open.get(caller) ?? 1) - 1;
      if (left > 0) this.open.set(caller, left);
      else this.open.delete(caller);
    };
  }
}

function callerKey(request: FastifyRequest): string {
  if (request.apiKeyId !== undefined) return `api-key:${request.apiKeyId}`;
  if (request.caller) return `user:${request.caller.userId}`;
  throw new Error('OpenStreams needs the caller that @RequireCaller() verifies');
}
