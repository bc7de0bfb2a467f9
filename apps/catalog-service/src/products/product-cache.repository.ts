import type { Valkey } from '@triad/platform';

/**
 * Where the product cache keeps products, as JSON by id. After `invalidate`, an id stays marked changed for a
 * short while, during which `fill` leaves it alone: a read that began before the change committed cannot
 * put what it read back into the cache after the change was announced.
 */
export interface ProductCacheStore {
  /** The cached JSON for each id, in order; undefined for a miss (never cached, expired, or just changed). */
  get(ids: readonly string[]): Promise<(string | undefined)[]>;
  /** Caches each product unless its id is cached already or has just changed. */
  fill(entries: readonly (readonly [id: string, json: string])[]): Promise<void>;
  /** Forgets these products, and keeps them from being cached again for `changedMs`. */
  invalidate(ids: readonly string[]): Promise<void>;
  /** Forgets every product: for when changes may have been missed. */
  clear(): Promise<void>;
}

export interface ProductCacheLimits {
  /** How long a product stays cached at most: what bounds staleness should a change announcement be missed. */
  ttlMs: number;
  /** How long a changed product is kept from being cached again: far longer than any read takes. */
  changedMs: number;
  /** In one process's memory: the most products kept, the least recently cached going first. */
  maxEntries: number;
}

/** Marks a just-changed product, in place of its JSON. */
const CHANGED = '';

/** Valkey, shared by every replica: `triad:catalog:product:<id>` holds the JSON, or the changed mark. */
export class ValkeyProductCacheStore implements ProductCacheStore {
  private static readonly PREFIX = 'triad:catalog:product:';

  constructor(
    private readonly valkey: Valkey,
    private readonly limits: ProductCacheLimits,
  ) {}

  async get(ids: readonly string[]): Promise<(string | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await this.valkey.mget(...ids.map((id) => ValkeyProductCacheStore.PREFIX + id));
    return values.map((value) => (value ? value : undefined));
  }

  async fill(entries: readonly (readonly [string, string])[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.valkey.pipeline();
    for (const [id, json] of entries) pipeline.set(ValkeyProductCacheStore.PREFIX + id, json, 'PX', this.limits.ttlMs, 'NX');
    await everyCommandOf(pipeline);
  }

  async invalidate(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const pipeline = this.valkey.pipeline();
    for (const id of ids) pipeline.set(ValkeyProductCacheStore.PREFIX + id, CHANGED, 'PX', this.limits.changedMs);
    await everyCommandOf(pipeline);
  }

  async clear(): Promise<void> {
    const stream = this.valkey.scanStream({ match: `${ValkeyProductCacheStore.PREFIX}*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) await this.valkey.unlink(...keys);
  }
}

/**
 * Runs `pipeline`, failing as its first failed command did: `exec` resolves with each command's error beside its
 * result, so a Valkey that refuses writes (memory full, a read-only replica) would otherwise look like one that
 * took them, and a change it never marked would go on being served from the cache.
 */
async function everyCommandOf(pipeline: ReturnType<Valkey['pipeline']>): Promise<void> {
  const failed = (await pipeline.exec())?.find(([error]) => error);
  if (failed) throw failed[0];
}

/** One process's memory: right for one process, and still correct for several, each told of every change. */
export class MemoryProductCacheStore implements ProductCacheStore {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();

  constructor(
    private readonly limits: ProductCacheLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async get(ids: readonly string[]): Promise<(string | undefined)[]> {
    const now = this.now();
    return ids.map((id) => {
      const entry = this.entries.get(id);
      return entry && entry.expiresAt > now && entry.json !== CHANGED ? entry.json : undefined;
    });
  }

  async fill(entries: readonly (readonly [string, string])[]): Promise<void> {
    const now = this.now();
    for (const [id, json] of entries) {
      const held = this.entries.get(id);
      if (held && held.expiresAt > now) continue;
      this.put(id, { json, expiresAt: now + this.limits.ttlMs });
    }
  }

  async invalidate(ids: readonly string[]): Promise<void> {
    const expiresAt = this.now() + this.limits.changedMs;
    for (const id of ids) this.put(id, { json: CHANGED, expiresAt });
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  /** Stores an entry as the newest, first forgetting the oldest while the map is full. */
  private put(id: string, entry: { json: string; expiresAt: number }): void {
    this.entries.delete(id);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < this.limits.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(id, entry);
  }
}
