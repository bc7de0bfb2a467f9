import { createHash } from 'node:crypto';
import { valkeyScript, type Valkey, type ValkeyScript } from '../shared-state/valkey.js';

/** How many attempts a key may make before it must wait, and how long the waits grow. */
export interface AttemptThrottleSettings {
  /** Attempts counted within `windowMs` before the key must wait; 0 turns the throttle off. */
  maxAttempts: number;
  /** A key whose first counted attempt is older than this (and that is not waiting) starts afresh. */
  windowMs: number;
  /** The first wait; each further counted attempt doubles it, up to `maxWaitMs`. */
  firstWaitMs: number;
  maxWaitMs: number;
  /** Keys remembered at most in memory; the oldest are forgotten first, so a flood of new keys cannot exhaust it. */
  maxKeys?: number;
}

/**
 * Counts attempts per key (failed sign-ins per account or per client address, sign-ups per client, wrong API
 * keys per client) and makes a key that made too many wait, longer with each further one.
 */
export interface AttemptThrottle {
  /** Seconds `key` must still wait before its next attempt; 0 when it may try now. */
  waitSeconds(key: string): Promise<number>;
  /** Counts an attempt of `key`; resolves to the seconds it must now wait (0 while under the limit). */
  record(key: string): Promise<number>;
  /**
   * Counts an attempt of `key` unless it must wait, as one step: resolves to 0 when it was counted and may go
   * ahead, else to the seconds left, counting nothing. Attempts sent at once cannot all pass the check together.
   */
  attempt(key: string): Promise<number>;
  /** Takes back one attempt `record` counted, which turned out not to be a failure (a sign-in that succeeded). */
  refund(key: string): Promise<void>;
  /** Forgets the attempts of `key` (an account that signed in). */
  reset(key: string): Promise<void>;
}

/**
 * The throttle for `name` (`sign-in:account`, …): counted in Valkey when the process has it, so that every
 * replica of the process counts together, and otherwise in this process's memory.
 */
export function attemptThrottle(
  name: string,
  settings: AttemptThrottleSettings,
  { valkey, now = Date.now }: { valkey?: Valkey | undefined; now?: () => number } = {},
): AttemptThrottle {
  return valkey ? new SharedAttemptThrottle(name, settings, valkey, now) : new MemoryAttemptThrottle(settings, now);
}

interface Attempts {
  count: number;
  since: number;
  blockedUntil: number;
}

/** The wait an attempt over the limit starts: the first wait, doubled for each attempt past it, up to the cap. */
const waitMs = (settings: AttemptThrottleSettings, over: number) =>
  Math.min(settings.firstWaitMs * 2 ** Math.min(over, 30), settings.maxWaitMs);

/** In this process's memory: right for one process (`npm start`), per replica for several. */
export class MemoryAttemptThrottle implements AttemptThrottle {
  private readonly attempts = new Map<string, Attempts>();

  constructor(
    private readonly settings: AttemptThrottleSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async waitSeconds(key: string): Promise<number> {
    return this.secondsLeft(this.current(key));
  }

  async record(key: string): Promise<number> {
    if (this.settings.maxAttempts === 0) return 0;
    const now = this.now();
    const known = this.current(key);
    // A new key needs room; when every key held is waiting, the new one goes uncounted rather than freeing one.
    if (!known && !this.makeRoom()) return 0;
    const entry = known ?? { count: 0, since: now, blockedUntil: 0 };
    entry.count += 1;
    const over = entry.count - this.settings.maxAttempts;
    if (over >= 0) entry.blockedUntil = now + waitMs(this.settings, over);
    // Re-inserted, so the Map's order is the order of last use and the first key is the one to forget.
    this.attempts.delete(key);
    this.attempts.set(key, entry);
    return this.secondsLeft(entry);
  }

  async attempt(key: string): Promise<number> {
    const wait = this.secondsLeft(this.current(key));
    if (wait > 0) return wait;
    await this.record(key);
    return 0;
  }

  async refund(key: string): Promise<void> {
    const entry = this.current(key);
    if (!entry) return;
    entry.count = Math.max(0, entry.count - 1);
    if (entry.count < this.settings.maxAttempts) entry.blockedUntil = 0;
  }

  async reset(key: string): Promise<void> {
    this.attempts.delete(key);
  }

  private secondsLeft(entry: Attempts | undefined): number {
    return entry ? Math.max(0, Math.ceil((entry.blockedUntil - this.now()) / 1000)) : 0;
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

/**
 * The same rules as {@link MemoryAttemptThrottle}, kept in Valkey: one hash per key (`count`, `since`,
 * `blocked`, in milliseconds), changed by a Lua script so that replicas counting the same key at once never lose
 * an attempt, and expiring once neither its window nor its wait is left, which bounds Valkey's memory as
 * `maxKeys` bounds the process's. Keys are hashed: an email address or a client address is not stored as such.
 */
export class SharedAttemptThrottle implements AttemptThrottle {
  private readonly prefix: string;
  private readonly scripts: Record<keyof typeof SCRIPTS, ValkeyScript>;

  constructor(
    name: string,
    private readonly settings: AttemptThrottleSettings,
    private readonly valkey: Valkey,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = `triad:throttle:${name}:`;
    const script = (name: keyof typeof SCRIPTS) => valkeyScript(valkey, name, 1, SCRIPTS[name]);
    this.scripts = {
      throttleWait: script('throttleWait'),
      throttleRecord: script('throttleRecord'),
      throttleAttempt: script('throttleAttempt'),
      throttleRefund: script('throttleRefund'),
    };
  }

  async waitSeconds(key: string): Promise<number> {
    return Number(await this.run('throttleWait', key));
  }

  async record(key: string): Promise<number> {
    if (this.settings.maxAttempts === 0) return 0;
    const { maxAttempts, firstWaitMs, maxWaitMs } = this.settings;
    return Number(await this.run('throttleRecord', key, maxAttempts, firstWaitMs, maxWaitMs));
  }

  async attempt(key: string): Promise<number> {
    if (this.settings.maxAttempts === 0) return 0;
    const { maxAttempts, firstWaitMs, maxWaitMs } = this.settings;
    return Number(await this.run('throttleAttempt', key, maxAttempts, firstWaitMs, maxWaitMs));
  }

  async refund(key: string): Promise<void> {
    await this.run('throttleRefund', key, this.settings.maxAttempts);
  }

  async reset(key: string): Promise<void> {
    await this.valkey.del(this.keyOf(key));
  }

  private run(command: keyof typeof SCRIPTS, key: string, ...args: number[]): Promise<unknown> {
    return this.scripts[command](this.keyOf(key), this.now(), this.settings.windowMs, ...args);
  }

  private keyOf(key: string): string {
    return this.prefix + createHash('sha256').update(key).digest('base64url');
  }
}

// Each script gets the key, then `now` and `windowMs`, then its own arguments. A hash whose window has passed and
// whose wait is over counts as absent, as in memory.
const CURRENT = `
local now, windowMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local stored = redis.call('HMGET', KEYS[1], 'count', 'since', 'blocked')
local count, since, blocked = tonumber(stored[1]) or 0, tonumber(stored[2]) or now, tonumber(stored[3]) or 0
if count > 0 and now - since > windowMs and now >= blocked then count, since, blocked = 0, now, 0 end
local function secondsLeft() return math.max(0, math.ceil((blocked - now) / 1000)) end
`;
const RECORD = `
local maxAttempts, firstWaitMs, maxWaitMs = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function record()
  count = count + 1
  local over = count - maxAttempts
  if over >= 0 then blocked = now + math.min(firstWaitMs * 2 ^ math.min(over, 30), maxWaitMs) end
  redis.call('HSET', KEYS[1], 'count', count, 'since', since, 'blocked', blocked)
  redis.call('PEXPIRE', KEYS[1], math.max(since + windowMs, blocked) - now + 1000)
end
`;
const SCRIPTS = {
  throttleWait: `${CURRENT} return secondsLeft()`,
  throttleRecord: `${CURRENT}${RECORD} record() return secondsLeft()`,
  throttleAttempt: `${CURRENT}${RECORD}
local wait = secondsLeft()
if wait > 0 then return wait end
record()
return 0`,
  throttleRefund: `${CURRENT}
if count == 0 then return 0 end
count = count - 1
if count < tonumber(ARGV[3]) then blocked = 0 end
redis.call('HSET', KEYS[1], 'count', count, 'blocked', blocked)
return 0`,
} as const;
