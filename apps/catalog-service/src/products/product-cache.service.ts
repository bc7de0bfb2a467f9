import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DATABASE_HANDLE, lazyCounter, LOGGER, OutageLog, type DatabaseHandle, type Unlisten, type Valkey } from '@triad/platform';
import type { Logger } from 'pino';
import {
  MemoryProductCacheStore,
  ValkeyProductCacheStore,
  type ProductCacheLimits,
  type ProductCacheStore,
} from './product-cache.repository.js';
import type { ProductView } from './products.service.js';

/** Nest token of the store the product cache keeps products in. */
export const PRODUCT_CACHE_STORE = Symbol('PRODUCT_CACHE_STORE');

/** Where the database announces each committed change to a product (migrations 0001, 0002), its id as the payload. */
const PRODUCT_CHANGED_CHANNEL = 'catalog_product_changed';

const LIMITS: ProductCacheLimits = { ttlMs: 5 * 60_000, changedMs: 2_000, maxEntries: 10_000 };

/** The store for this process: Valkey, shared by every replica, when it has one (VALKEY_URL); else its memory. */
export function productCacheStore(valkey: Valkey | undefined): ProductCacheStore {
  return valkey ? new ValkeyProductCacheStore(valkey, LIMITS) : new MemoryProductCacheStore(LIMITS);
}

const lookups = lazyCounter(
  'catalog',
  'triad.product_cache.lookups',
  'Products looked up by id in the product cache, by result: hit, or miss (read from the database).',
  [{ result: 'hit' }, { result: 'miss' }],
);

/**
 * The product cache: reads of products by id (GetProduct and BatchGetProducts over gRPC, which the REST edge and
 * orders-service call, and the subgraph's `product` and `Product` references, which the gateway asks for) are
 * answered from it, and only what it lacks is read from the database. It is emptied of a product as soon as the
 * database announces a change to it (price, stock, anything), so within milliseconds of the commit no replica
 * answers with the old product; expiry after five minutes only bounds what a missed announcement could leave.
 * Searches and pages (ListProducts) are not cached: they read the database.
 *
 * When the store fails (Valkey unreachable), reads go to the database; and once a change could not be forgotten,
 * the cache is not trusted again until it has been emptied.
 */
@Injectable()
export class ProductCache implements OnModuleInit, OnApplicationShutdown {
  private unlisten: Unlisten | undefined;
  /** Set when the store may hold a product that has changed since: it must be emptied before it is used again. */
  private mustClear = false;
  private clearing: Promise<boolean> | undefined;
  // Reads and writes apart: a Valkey that answers reads but refuses writes (a replica after a failover, memory
  // full) would otherwise log a failure and a recovery for every read.
  private readonly reads: OutageLog;
  private readonly writes: OutageLog;

  constructor(
    @Inject(PRODUCT_CACHE_STORE) private readonly store: ProductCacheStore,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.reads = new OutageLog(logger, {
      unavailable: 'product cache unavailable: reading the database',
      available: 'product cache available again',
    });
    this.writes = new OutageLog(logger, {
      unavailable: 'product cache cannot store or forget products',
      available: 'product cache stores and forgets products again',
    });
  }

  async onModuleInit(): Promise<void> {
    lookups();
    this.unlisten = await this.database.listen(PRODUCT_CHANGED_CHANNEL, (id) => void this.forget([id]));
    // Changes announced while PostgreSQL's LISTEN connection was down are lost: forget everything.
    this.unlisten.onReconnect?.(() => (this.mustClear = true));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unlisten?.();
  }

  /**
   * Forgets products this process has just changed, before it answers: the announcement reaches every replica
   * within milliseconds, but the caller's next read may come sooner. A store that cannot forget is not trusted
   * again until it has been emptied.
   */
  async forget(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.store.invalidate(ids).then(
      () => this.writes.worked(undefined),
      (error: unknown) => {
        this.mustClear = true;
        this.writes.failed(error);
      },
    );
  }

  /** The products among `ids` that exist, by id: cached ones from the cache, the others by `load`, then cached. */
  async read(ids: readonly string[], load: (missing: string[]) => Promise<ProductView[]>): Promise<Map<string, ProductView>> {
    const cached = (await this.usableStore())
      ? await this.store.get(ids).then(
          (values) => this.reads.worked(values),
          (error: unknown) => this.reads.failed(error),
        )
      : undefined;
    const found = new Map<string, ProductView>();
    const missing: string[] = [];
    ids.forEach((id, index) => {
      const json = cached?.[index];
      if (json) found.set(id, revive(json));
      else missing.push(id);
    });
    lookups().add(found.size, { result: 'hit' });
    lookups().add(missing.length, { result: 'miss' });
    if (missing.length === 0) return found;

    const loadStarted = performance.now();
    const loaded = await load(missing);
    for (const product of loaded) found.set(product.id, product);
    // A change committed while the read ran is kept out only for `changedMs`: a read slower than that may hold
    // the old product, so it is not cached.
    if (cached && performance.now() - loadStarted < LIMITS.changedMs) {
      await this.store.fill(loaded.map((product) => [product.id, serialize(product)] as const)).then(
        () => this.writes.worked(undefined),
        (error: unknown) => this.writes.failed(error),
      );
    }
    return found;
  }

  /** Whether the store can be read: emptied first if it has to be, once for all the reads waiting on it. */
  private usableStore(): boolean | Promise<boolean> {
    if (!this.mustClear && !this.clearing) return true;
    this.clearing ??= (async () => {
      this.mustClear = false;
      try {
        await this.store.clear();
        this.writes.worked(undefined);
        this.logger.info('product cache emptied: changes may have been missed while it could not hear of them');
        return true;
      } catch (error) {
        this.mustClear = true;
        this.writes.failed(error);
        return false;
      } finally {
        this.clearing = undefined;
      }
    })();
    return this.clearing;
  }
}

/** A product as the store keeps it: JSON, with the price's minor units (a bigint) as a string. */
function serialize(product: ProductView): string {
  return JSON.stringify({ ...product, price: { ...product.price, amountMinor: product.price.amountMinor.toString() } });
}

function revive(json: string): ProductView {
  const stored = JSON.parse(json) as Omit<ProductView, 'price' | 'createdAt' | 'updatedAt'> & {
    price: { amountMinor: string; currencyCode: string };
    createdAt: string;
    updatedAt: string;
  };
  return {
    ...stored,
    price: { ...stored.price, amountMinor: BigInt(stored.price.amountMinor) },
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}
