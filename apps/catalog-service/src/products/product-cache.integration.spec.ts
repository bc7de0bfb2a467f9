import { setTimeout as sleep } from 'node:timers/promises';
import type { Product } from '@triad/contracts/catalog/v1';
import { connectValkey, createLogger, uuidv7, type Valkey } from '@triad/platform';
import { call, capturedLog, createTestDatabase, startTestValkey, type TestValkey } from '@triad/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestCatalog, type TestCatalog } from '../testing/catalog-service.harness.js';

/** How soon a change must be visible everywhere: what the cache's invalidation promises. */
const WITHIN_MS = 1000;

const usd = (amountMinor: string) => ({ amountMinor, currencyCode: 'USD' });

async function addProduct(catalog: TestCatalog, stockOnHand = 10, price = usd('1000')): Promise<Product> {
  const sku = `CACHE-${uuidv7().slice(-12)}`;
  const request = { sku, name: `Cached ${sku}`, description: 'A product for the cache spec.', price, stockOnHand };
  return (await call(catalog.catalog.createProduct(request, catalog.asAdmin))).product!;
}

const read = async (catalog: TestCatalog, id: string) => (await call(catalog.catalog.getProduct({ id }))).product!;
const readBatch = async (catalog: TestCatalog, id: string) => (await call(catalog.catalog.batchGetProducts({ ids: [id] }))).products[0]!;

/** Polls `check` until it passes, failing once `WITHIN_MS` is over; resolves how long it took. */
async function within(check: () => Promise<void>): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > WITHIN_MS) throw error;
      await sleep(20);
    }
  }
}

/**
 * Whether reads come from the cache: with the database's change announcements switched off, a change is not
 * seen by a process that has the product cached, and is by one that reads the database.
 */
async function withoutAnnouncements<T>(catalog: TestCatalog, work: () => Promise<T>): Promise<T> {
  await catalog.db.execute(sql`alter table products disable trigger announce_product_change`);
  try {
    return await work();
  } finally {
    await catalog.db.execute(sql`alter table products enable trigger announce_product_change`);
  }
}

describe('the product cache in one process (embedded PGlite, in memory)', () => {
  let catalog: TestCatalog;

  beforeAll(async () => {
    catalog = await startTestCatalog({ database: await createTestDatabase(undefined) });
  });
  afterAll(async () => {
    await catalog?.close();
  });

  it('answers a read from the cache once the product has been read', async () => {
    const product = await addProduct(catalog);
    await read(catalog, product.id);

    await withoutAnnouncements(catalog, () =>
      catalog.db.execute(sql`update products set name = 'Changed unseen' where id = ${product.id}`),
    );

    expect((await read(catalog, product.id)).name).toBe(product.name);
    expect((await readBatch(catalog, product.id)).name).toBe(product.name);
  });

  it('shows a new price at once, whoever changes it: UpdateProduct, or SQL of its own', async () => {
    const product = await addProduct(catalog);
    await read(catalog, product.id);

    await call(catalog.catalog.updateProduct({ id: product.id, price: usd('1250') }, catalog.asAdmin));
    await within(async () => expect((await read(catalog, product.id)).price).toEqual(usd('1250')));

    await catalog.db.execute(sql`update products set price_amount_minor = 1300 where id = ${product.id}`);
    await within(async () => expect((await readBatch(catalog, product.id)).price).toEqual(usd('1300')));
  });

  it('answers a read right after a change with the change, before any announcement arrives', async () => {
    const product = await addProduct(catalog, 10);
    await read(catalog, product.id);

    const [afterUpdate, afterReservation] = await withoutAnnouncements(catalog, async () => {
      await call(catalog.catalog.updateProduct({ id: product.id, price: usd('1500') }, catalog.asAdmin));
      const updated = await read(catalog, product.id);
      const lines = [{ productId: product.id, quantity: 4 }];
      await call(catalog.catalog.reserveStock({ reservationId: uuidv7(), lines }, catalog.asOrdersService));
      return [updated, await readBatch(catalog, product.id)];
    });

    expect(afterUpdate.price).toEqual(usd('1500'));
    expect(afterReservation.stockOnHand).toBe(6);
  });

  it('shows the stock a reservation took, and the stock its release gave back', async () => {
    const product = await addProduct(catalog, 10);
    await read(catalog, product.id);
    const reservationId = uuidv7();

    await call(catalog.catalog.reserveStock({ reservationId, lines: [{ productId: product.id, quantity: 3 }] }, catalog.asOrdersService));
    await within(async () => expect((await read(catalog, product.id)).stockOnHand).toBe(7));
    await call(catalog.catalog.releaseStock({ reservationId }, catalog.asOrdersService));
    await within(async () => expect((await read(catalog, product.id)).stockOnHand).toBe(10));
  });

  it('keeps a product exact through the cache: the largest price, to the last minor unit, and its times', async () => {
    const product = await addProduct(catalog, 10, usd('2147483647'));
    const fromDatabase = await read(catalog, product.id);

    // Changed unannounced, so the reads below can only come from the cache.
    const cached = await withoutAnnouncements(catalog, async () => {
      await catalog.db.execute(sql`update products set name = 'Changed unseen' where id = ${product.id}`);
      return [await read(catalog, product.id), await readBatch(catalog, product.id)];
    });

    expect(cached).toEqual([fromDatabase, fromDatabase]);
    expect(fromDatabase.price).toEqual(usd('2147483647'));
  });
});

// Replicas of catalog-service on one PostgreSQL, as in compose and Kubernetes.
describe.skipIf(!inject('postgresUrl'))('the product cache of two replicas, each in its own memory', () => {
  let replicas: TestCatalog[] = [];

  beforeAll(async () => {
    const database = await createTestDatabase(inject('postgresUrl'));
    replicas = [await startTestCatalog({ database }), await startTestCatalog({ database })];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
  });

  it('shows on one replica, within a second, a price changed through the other', async () => {
    const [first, second] = replicas as [TestCatalog, TestCatalog];
    const product = await addProduct(first);
    await read(first, product.id);
    await read(second, product.id);

    await call(second.catalog.updateProduct({ id: product.id, price: usd('1999') }, second.asAdmin));

    await within(async () => expect((await read(first, product.id)).price).toEqual(usd('1999')));
  });
});

const valkey: TestValkey = await startTestValkey();
if (!valkey.url) process.stderr.write(`product cache shared in Valkey: not run here, ${valkey.description}\n`);

describe.skipIf(!inject('postgresUrl') || !valkey.url)('the product cache shared by two replicas in Valkey', () => {
  let replicas: TestCatalog[] = [];
  let inspector: Valkey;
  /** The first replica's log. */
  const log = capturedLog('catalog-service');

  beforeAll(async () => {
    const database = await createTestDatabase(inject('postgresUrl'));
    const environment = { VALKEY_URL: valkey.url! };
    replicas = [await startTestCatalog({ database, environment, logger: log.logger }), await startTestCatalog({ database, environment })];
    inspector = await connectValkey(valkey.url!, { name: 'product-cache-spec', logger: createLogger('spec', 'silent') });
  });
  afterAll(async () => {
    inspector?.disconnect();
    for (const replica of replicas) await replica.close();
    await valkey.stop();
  });

  /**
   * Runs `work` while Valkey refuses every write, as it does with its memory full under the default `noeviction`
   * policy (reads, deletes and expiries go on), then gives it back its memory limit.
   */
  async function refusingWrites(work: () => Promise<void>): Promise<void> {
    const setting = async (name: string) => ((await inspector.config('GET', name)) as string[])[1]!;
    const [limit, policy] = [await setting('maxmemory'), await setting('maxmemory-policy')];
    await inspector.config('SET', 'maxmemory-policy', 'noeviction');
    await inspector.config('SET', 'maxmemory', '1');
    try {
      await work();
    } finally {
      await inspector.config('SET', 'maxmemory', limit);
      await inspector.config('SET', 'maxmemory-policy', policy);
    }
  }

  it('serves a product one replica read from the other replica, out of Valkey, for five minutes at most', async () => {
    const [first, second] = replicas as [TestCatalog, TestCatalog];
    const product = await addProduct(first);
    await read(first, product.id);

    await withoutAnnouncements(first, () => first.db.execute(sql`update products set name = 'Changed unseen' where id = ${product.id}`));

    expect((await read(second, product.id)).name).toBe(product.name);
    const ttl = await inspector.pttl(`triad:catalog:product:${product.id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 60_000);
  });

  it('does not cache again, for a moment, a product that has just changed', async () => {
    const [first, second] = replicas as [TestCatalog, TestCatalog];
    const product = await addProduct(first);
    await call(first.catalog.updateProduct({ id: product.id, price: usd('1111') }, first.asAdmin));
    // The announcement marks it changed; a read now goes to the database and leaves the mark alone.
    await within(async () => expect(await inspector.get(`triad:catalog:product:${product.id}`)).toBe(''));

    await read(second, product.id);

    expect(await inspector.get(`triad:catalog:product:${product.id}`)).toBe('');
    expect(await inspector.pttl(`triad:catalog:product:${product.id}`)).toBeLessThanOrEqual(2000);
  });

  it('shows a price changed through one replica on both within a second', async () => {
    const [first, second] = replicas as [TestCatalog, TestCatalog];
    const product = await addProduct(first);
    await read(first, product.id);
    await read(second, product.id);

    await call(second.catalog.updateProduct({ id: product.id, price: usd('2499') }, second.asAdmin));

    const took = await within(async () => {
      expect((await read(first, product.id)).price).toEqual(usd('2499'));
      expect((await readBatch(second, product.id)).price).toEqual(usd('2499'));
    });
    expect(took).toBeLessThan(WITHIN_MS);
  });

  it('while Valkey refuses writes (its memory full), answers reads all the same, and logs that once', async () => {
    const [first] = replicas as [TestCatalog];
    // Products not read or changed for a while: neither cached nor marked as just changed, so reading one stores it.
    const { products } = await call(first.catalog.listProducts({ pageSize: 3, pageToken: '', query: '' }));
    const keys = products.map((product) => `triad:catalog:product:${product.id}`);
    await inspector.del(...keys);
    const logged = log.lines().length;
    await refusingWrites(async () => {
      for (let round = 0; round < 2; round += 1) {
        for (const product of products) expect((await read(first, product.id)).name).toBe(product.name);
      }
    });

    // Reading the store works, so reads log nothing; storing fails, which is said once, not for every read.
    const lines = log
      .lines()
      .slice(logged)
      .filter((line) => line.msg.startsWith('product cache'));
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 'warn', msg: 'product cache cannot store or forget products' },
    ]);
    expect(await inspector.exists(...keys)).toBe(0);
  });

  it('while Valkey refuses writes, shows a price changed through one replica on both at once', async () => {
    const [first, second] = replicas as [TestCatalog, TestCatalog];
    const product = await addProduct(first);
    await sleep(2_100); // past the mark of its creation, so that reading it caches it
    await read(first, product.id);
    expect(await inspector.exists(`triad:catalog:product:${product.id}`)).toBe(1);
    await refusingWrites(async () => {
      await call(second.catalog.updateProduct({ id: product.id, price: usd('4200') }, second.asAdmin));

      expect((await read(second, product.id)).price).toEqual(usd('4200'));
      await within(async () => expect((await read(first, product.id)).price).toEqual(usd('4200')));
    });
  });

  it('while Valkey is down, answers every read from the database, changes included', async () => {
    const [first, second] = replicas as [TestCatalog, TestCatalog];
    const product = await addProduct(first);
    await read(first, product.id);
    await valkey.stop();

    await call(second.catalog.updateProduct({ id: product.id, price: usd('3100') }, second.asAdmin));

    await within(async () => expect((await read(first, product.id)).price).toEqual(usd('3100')));
    expect((await readBatch(second, product.id)).price).toEqual(usd('3100'));
  });
});
