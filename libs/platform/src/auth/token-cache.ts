/** A token and when to fetch a new one: some time before it expires, so it never runs out mid-call. */
export interface CachedToken {
  token: string;
  renewAt: number;
}

/**
 * Tokens by key (a target service and scopes, a user and role), each fetched once however many callers wait
 * for it, reused until its renewal time and then fetched again, once. The least recently fetched keys are
 * forgotten past `maxKeys`.
 */
export class TokenCache {
  private readonly entries = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, fetch: () => Promise<CachedToken>): Promise<string> {
    const pending = this.entries.get(key);
    if (pending) {
      const cached = await pending.catch(() => undefined);
      if (cached && cached.renewAt > this.now()) return cached.token;
      // Another caller that waited on the same stale entry may already be fetching its successor.
      const renewed = this.entries.get(key);
      if (renewed && renewed !== pending) return (await renewed).token;
    }
    const fetched = fetch();
    this.entries.delete(key);
    this.entries.set(key, fetched);
    fetched.catch(() => {
      if (this.entries.get(key) === fetched) this.entries.delete(key);
    });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(oldest);
    }
    return (await fetched).token;
  }
}
