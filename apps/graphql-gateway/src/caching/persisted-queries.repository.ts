import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { createHash } from 'node:crypto';
import { currentRequestContext, OutageLog, valkeyScript, type Valkey, type ValkeyScript } from '@triad/platform';
import type { Logger } from 'pino';

/** In one process: room for the persisted queries of a large client (each costs about its length in bytes). */
const IN_MEMORY_BYTES = 8 * 1024 * 1024;

/**
 * How a shared store stays small whatever clients send. Any client may register a query, so Valkey's share is
 * bounded by design rather than by eviction (which would also evict the sign-in throttles' counts kept there):
 * at most `registrationsPerMinute` new queries a minute system-wide, each of at most `maxQueryBytes`, each kept
 * `ttlSeconds`: at most 100 × 60 × 16 KiB ≈ 94 MiB. One client address may take only `perClientPerMinute` of
 * them, so it cannot spend everyone's budget alone. A query not stored still runs: its client sends the full
 * text again next time, as when the store has forgotten it.
 */
export const SHARED_PERSISTED_QUERIES = {
  registrationsPerMinute: 100,
  perClientPerMinute: 20,
  maxQueryBytes: 16 * 1024,
  ttlSeconds: 60 * 60,
};

// Apollo's own prefix follows: triad:graphql-gateway:apq:<sha-256>.
const KEY_PREFIX = 'triad:graphql-gateway:';
const REGISTRATIONS_KEY = 'triad:graphql-gateway:persisted-query-registrations';

/**
 * Registers a query in one step, so that replicas registering at once never count a query twice or store one
 * past a budget, and a registration is one round trip. KEYS: the query's key, the system's count this minute,
 * the client's; ARGV: the query, its time to live, the system's budget, the client's share. Each count starts
 * with its minute, and only what a client's share allows counts against the system's budget. 1 when stored.
 */
const REGISTER_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[3], 0, 'EX', 60, 'NX')
if redis.call('INCR', KEYS[3]) > tonumber(ARGV[4]) then return 0 end
redis.call('SET', KEYS[2], 0, 'EX', 60, 'NX')
if redis.call('INCR', KEYS[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

/** The keys counting this minute's registrations: the whole system's, and those of the client at `clientAddress`. */
export function registrationCountKeys(clientAddress: string): { system: string; client: string } {
  const client = createHash('sha256').update(clientAddress).digest('base64url');
  return { system: REGISTRATIONS_KEY, client: `${REGISTRATIONS_KEY}:${client}` };
}

/**
 * Where the gateway keeps automatic persisted queries (SHA-256 → query text; Apollo checks each hash against its
 * query before storing it, so an entry cannot be forged). With Valkey every replica shares one store, so a
 * client whose next request lands on another replica is not told PERSISTED_QUERY_NOT_FOUND again; Valkey failing
 * (unreachable, or slow past its command timeout) turns lookups into misses (the client sends the query) and
 * registrations into no-ops, with a line in the log when it starts and one when it ends. Without Valkey, one
 * process keeps them in memory, the least recently used going first.
 */
export function persistedQueryStore(valkey: Valkey | undefined, logger: Logger): KeyValueCache<string> {
  if (!valkey) return new InMemoryLRUCache<string>({ maxSize: IN_MEMORY_BYTES });
  return new ValkeyPersistedQueries(valkey, SHARED_PERSISTED_QUERIES, logger);
}

class ValkeyPersistedQueries implements KeyValueCache<string> {
  private readonly register: ValkeyScript;
  // One for each: registrations alone can fail while lookups work (a Valkey that refuses writes, a script error).
  private readonly lookups: OutageLog;
  private readonly registrations: OutageLog;

  constructor(
    private readonly valkey: Valkey,
    private readonly limits: typeof SHARED_PERSISTED_QUERIES,
    logger: Logger,
  ) {
    this.register = valkeyScript(valkey, 'registerPersistedQuery', 3, REGISTER_SCRIPT);
    this.lookups = new OutageLog(logger, {
      unavailable: 'persisted queries: lookups failing, clients are asked for the whole query',
      available: 'persisted queries: lookups work again',
    });
    this.registrations = new OutageLog(logger, {
      unavailable: 'persisted queries: registrations failing, new queries are not stored',
      available: 'persisted queries: registrations work again',
    });
  }

  /**
   * The query. Using it does not keep it longer (which would let a client keep any number alive): a client's
   * queries are registered again an hour after they were, by the client's next request for each.
   */
  async get(hash: string): Promise<string | undefined> {
    return this.valkey.get(KEY_PREFIX + hash).then(
      (query) => this.lookups.worked(query ?? undefined),
      (error: unknown) => this.lookups.failed(error),
    );
  }

  /**
   * Stores a new query if it is short enough and this minute's budgets, the system's and the client's, allow.
   * Apollo calls this for every request that sends a query with its hash, without waiting for it: one already
   * stored costs nothing and is not kept longer.
   */
  async set(hash: string, query: string): Promise<void> {
    if (Buffer.byteLength(query) > this.limits.maxQueryBytes) return;
    const counts = registrationCountKeys(currentRequestContext()?.clientAddress ?? 'unknown');
    await this.register(
      KEY_PREFIX + hash,
      counts.system,
      counts.client,
      query,
      this.limits.ttlSeconds,
      this.limits.registrationsPerMinute,
      this.limits.perClientPerMinute,
    ).then(
      () => this.registrations.worked(undefined),
      (error: unknown) => this.registrations.failed(error),
    );
  }

  async delete(hash: string): Promise<boolean> {
    return (await this.valkey.del(KEY_PREFIX + hash)) > 0;
  }
}
