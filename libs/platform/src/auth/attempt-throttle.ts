/** How many attempts a key may make before it must wait, and how long the waits grow. */
export interface AttemptThrottleSettings {
  /** Attempts counted within `windowMs` before the key must wait; 0 turns the throttle off. */
  maxAttempts: number;
  /** A key whose first counted attempt is older than this (and that is not waiting) starts afresh. */
  windowMs: number;
  /** The first wait; each further counted attempt doubles it, up to `maxWaitMs`. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** Keys remembered at most; the oldest are forgotten first, so a flood of new keys cannot exhaust memory. */
  maxKeys?: number;
}

interface Attempts {
  count: number;
  since: number;
  blockedUntil: number;
}

/**
 * Counts attempts per key (failed sign-ins per account or per client address, sign-ups per client) and makes a
 * key that made too many wait, longer with each further one. In memory, so per process: a deployment with
 * several replicas of the process that checks needs a shared store behind the same interface.
 */
export class AttemptThrottle {
  private readonly attempts = new Map<string, Attempts>();

  constructor(
    private readonly settings: AttemptThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds `key` must still wait before its next attempt; 0 when it may try now. */
  waitSeconds(key: string): number {
    const entry = this.current(key);
    if (!entry) return 0;
    return Math.max(0, Math.ceil((entry.blockedUntil - this.now()) / 1000));
  }

  /** Counts an attempt of `key`; returns the seconds it must now wait (0 while under the limit). */
  record(key: string): number {
    if (this.settings.maxAttempts === 0) return 0;
    const now = this.now();
    const known = this.current(key);
    // A new key needs room; when every key held is waiting, the new one goes uncounted rather than freeing one.
    if (!known && !this.makeRoom()) return 0;
    const entry = known ?? { count: 0, since: now, blockedUntil: 0 };
    entry.count += 1;
    const over = entry.count - this.settings.maxAttempts;
    if (over >= 0) entry.blockedUntil = now + Math.min(this.settings.firstWaitMs * 2 ** Math.min(over, 30), this.settings.maxWaitMs);
    // Re-inserted, so the Map's order is the order of last use and the first key is the one to forget.
    this.attempts.delete(key);
    this.attempts.set(key, entry);
    return this.waitSeconds(key);
  }

  /** Takes back one attempt `record` counted, which turned out not to be a failure (a sign-in that succeeded). */
  refund(key: string): void {
    const entry = this.current(key);
    if (!entry) return;
    entry.count = Math.max(0, entry.count - 1);
    if (entry.count < this.settings.maxAttempts) entry.blockedUntil = 0;
  }

  /** Forgets the attempts of `key` (an account that signed in). */
  reset(key: string): void {
    this.attempts.delete(key);
  }

  private current(key: string): Attempts | undefined {
    const entry = this.attempts.get(key);
    if (entry && this.now() - entry.since > this.settings.windowMs && this.now() >= entry.blockedUntil) {
      this.attempts.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Makes room for one more key by forgetting the least recently used ones that are not waiting: a flood of new
   * keys must not erase the count of a key that is being made to wait. False when there is no such key.
   */
  private makeRoom(): boolean {
    const maxKeys = this.settings.maxKeys ?? 100_000;
    const now = this.now();
    for (const [key, entry] of this.attempts) {
      if (this.attempts.size < maxKeys) return true;
      if (entry.blockedUntil <= now) this.attempts.delete(key);
    }
    return this.attempts.size < maxKeys;
  }
}
