import type { CreateProductRequest, ImportProductsRequest } from '@triad/contracts/catalog/v1';
import { createTestDatabase } from '@triad/testing';
import { eq } from 'drizzle-orm';
import { from } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { products } from '../db/schema.js';
import { call, failure } from '@triad/testing';
import { startTestCatalog, type TestCatalog } from '../testing/catalog-service.harness.js';

let service: TestCatalog;

beforeAll(async () => {
  const database = await createTestDatabase(inject('postgresUrl'));
  service = await startTestCatalog({ database });
});

afterAll(async () => {
  await service?.close();
});

const usd = (amountMinor: string) => ({ amountMinor, currencyCode: 'USD' });
const product = (sku: string, overrides: Partial<CreateProductRequest> = {}): CreateProductRequest => ({
  sku,
  name: `Product ${sku}`,
  description: 'A product made for a test.',
  price: usd('1000'),
  stockOnHand: 5,
  ...overrides,
});
const countProducts = () => service.db.$count(products);
const storedBySku = async (sku: string) => (await service.db.select().from(products).where(eq(products.sku, sku)))[0];
const unknownId = '01900000-0000-7000-8000-000000000000';

describe('catalog-service products over gRPC', () => {
  it('seeds two dozen demo products into an empty database, some nearly and one completely sold out', async () => {
    const { products } = await call(service.catalog.listProducts({ pageSize: 100, pageToken: '', query: '' }));
    expect(products).toHaveLength(24);
    expect(products.filter((p) => p.stockOnHand === 0)).toHaveLength(1);
    expect(products.filter((p) => p.stockOnHand > 0 && p.stockOnHand <= 3).length).toBeGreaterThanOrEqual(3);
    expect(products.every((p) => p.price?.currencyCode === 'USD')).toBe(true);
  });

  it('creates a product for an admin, with its SKU and currency upper-cased and its price exact', async () => {
    const created = await call(
      service.catalog.createProduct(
        product(' lamp-brass-01 ', { name: ' Brass Lamp ', price: { amountMinor: '8999', currencyCode: 'usd' } }),
        service.asAdmin,
      ),
    );
    expect(created.product).toMatchObject({ sku: 'LAMP-BRASS-01', name: 'Brass Lamp', price: usd('8999'), stockOnHand: 5 });
    expect(await storedBySku('LAMP-BRASS-01')).toMatchObject({ priceAmountMinor: 8999n, priceCurrencyCode: 'USD', stockOnHand: 5 });
    const { product: read } = await call(service.catalog.getProduct({ id: created.product!.id }));
    expect(read).toEqual(created.product);
  });

  it('refuses a second product with a SKU already taken, whatever its case, and stores nothing', async () => {
    await call(service.catalog.createProduct(product('SKU-TAKEN'), service.asAdmin));
    const before = await countProducts();
    const error = await failure(service.catalog.createProduct(product('sku-taken'), service.asAdmin));
    expect(error).toMatchObject({ kind: 'ALREADY_EXISTS', code: 'CATALOG.SKU_TAKEN' });
    expect(error.message).toContain('SKU-TAKEN');
    expect(await countProducts()).toBe(before);
  });

  it('lists every invalid field of a new product by its proto name, and stores nothing', async () => {
    const before = await countProducts();
    const invalid = product('no spaces allowed', { name: ' ', price: { amountMinor: '-5', currencyCode: 'dollars' }, stockOnHand: -1 });
    const error = await failure(service.catalog.createProduct(invalid, service.asAdmin));
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'CATALOG.INVALID_INPUT' });
    expect(error.fieldViolations.map((violation) => violation.field)).toEqual([
      'sku',
      'name',
      'price.amount_minor',
      'price.currency_code',
      'stock_on_hand',
    ]);
    const withoutPrice = await failure(service.catalog.createProduct({ ...product('NO-PRICE'), price: undefined }, service.asAdmin));
    expect(withoutPrice.fieldViolations).toEqual([{ field: 'price', description: expect.stringContaining('is required') }]);
    expect(await countProducts()).toBe(before);
  });

  it('lets only an admin create products', async () => {
    const before = await countProducts();
    expect(await failure(service.catalog.createProduct(product('BY-CUSTOMER'), service.asCustomer))).toMatchObject({
      kind: 'PERMISSION_DENIED',
    });
    expect(await failure(service.catalog.createProduct(product('BY-NOBODY')))).toMatchObject({ kind: 'UNAUTHENTICATED' });
    expect(await countProducts()).toBe(before);
  });

  it('tells a missing product from a malformed id, to anonymous callers too', async () => {
    expect(await failure(service.catalog.getProduct({ id: unknownId }))).toMatchObject({
      kind: 'NOT_FOUND',
      code: 'CATALOG.PRODUCT_NOT_FOUND',
    });
    expect(await failure(service.catalog.getProduct({ id: 'lamp' }))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'id' }],
    });
  });

  it('batch-gets products in request order and leaves out unknown ids', async () => {
    const a = (await call(service.catalog.createProduct(product('BATCH-A'), service.asAdmin))).product!;
    const b = (await call(service.catalog.createProduct(product('BATCH-B'), service.asAdmin))).product!;
    const { products } = await call(service.catalog.batchGetProducts({ ids: [b.id, unknownId, a.id.toUpperCase(), b.id] }));
    expect(products.map((p) => p.sku)).toEqual(['BATCH-B', 'BATCH-A', 'BATCH-B']);
    expect(await failure(service.catalog.batchGetProducts({ ids: [a.id, 'nope'] }))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'ids[1]' }],
    });
  });

  it('updates only the fields a request sets', async () => {
    const original = (await call(service.catalog.createProduct(product('PARTIAL-1', { description: 'Keeps this text.' }), service.asAdmin)))
      .product!;
    const { product: updated } = await call(
      service.catalog.updateProduct({ id: original.id, name: 'Renamed', price: usd('1250') }, service.asAdmin),
    );
    expect(updated).toMatchObject({
      sku: 'PARTIAL-1',
      name: 'Renamed',
      description: 'Keeps this text.',
      price: usd('1250'),
      stockOnHand: 5,
    });
    expect(Number(updated!.updateTime!.seconds) * 1000 + updated!.updateTime!.nanos / 1e6).toBeGreaterThanOrEqual(
      Number(original.updateTime!.seconds) * 1000 + original.updateTime!.nanos / 1e6,
    );
    const cleared = await call(service.catalog.updateProduct({ id: original.id, description: '', stockOnHand: 40 }, service.asAdmin));
    expect(cleared.product).toMatchObject({ name: 'Renamed', description: '', stockOnHand: 40 });
    expect(await storedBySku('PARTIAL-1')).toMatchObject({ name: 'Renamed', description: '', stockOnHand: 40, priceAmountMinor: 1250n });
  });

  it('refuses updates to unknown products, to taken SKUs, with invalid fields, or by customers', async () => {
    const taken = (await call(service.catalog.createProduct(product('UPDATE-TAKEN'), service.asAdmin))).product!;
    const target = (await call(service.catalog.createProduct(product('UPDATE-TARGET'), service.asAdmin))).product!;
    expect(await failure(service.catalog.updateProduct({ id: target.id, sku: 'update-taken' }, service.asAdmin))).toMatchObject({
      kind: 'ALREADY_EXISTS',
      code: 'CATALOG.SKU_TAKEN',
    });
    expect(await failure(service.catalog.updateProduct({ id: unknownId, name: 'Ghost' }, service.asAdmin))).toMatchObject({
      kind: 'NOT_FOUND',
      code: 'CATALOG.PRODUCT_NOT_FOUND',
    });
    expect(await failure(service.catalog.updateProduct({ id: target.id, stockOnHand: -1 }, service.asAdmin))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'stock_on_hand', description: 'must be 0 or more' }],
    });
    expect(await failure(service.catalog.updateProduct({ id: target.id, name: 'Mine now' }, service.asCustomer))).toMatchObject({
      kind: 'PERMISSION_DENIED',
    });
    expect(await storedBySku('UPDATE-TARGET')).toMatchObject({ name: target.name, stockOnHand: 5 });
    expect(taken.sku).toBe('UPDATE-TAKEN');
  });
});

describe('ListProducts', () => {
  beforeAll(async () => {
    for (const [sku, name] of [
      ['LANTERN-1', 'Storm Lantern'],
      ['LANTERN-2', 'Paper Lantern'],
      ['CANDLE-LNT', 'Lantern Candle'],
      ['HOOK-1', 'Hook for a LANTERN'],
      ['LNT-5', 'Camping lantern, 5 W'],
    ] as const) {
      await call(service.catalog.createProduct(product(sku, { name }), service.asAdmin));
    }
  });

  it('pages through a case-insensitive search of names and SKUs, each match exactly once', async () => {
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await call(service.catalog.listProducts({ pageSize: 2, pageToken, query: 'lAnTeRn' }));
      expect(page.products.length).toBeLessThanOrEqual(2);
      seen.push(...page.products.map((p) => p.sku));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).toHaveLength(5);
    expect([...seen].sort()).toEqual(['CANDLE-LNT', 'HOOK-1', 'LANTERN-1', 'LANTERN-2', 'LNT-5']);
    const bySku = await call(service.catalog.listProducts({ pageSize: 10, pageToken: '', query: 'lnt' }));
    expect(bySku.products.map((p) => p.sku).sort()).toEqual(['CANDLE-LNT', 'LNT-5']);
  });

  it('treats % and _ in a search as text, not as wildcards', async () => {
    const page = await call(service.catalog.listProducts({ pageSize: 10, pageToken: '', query: '%' }));
    expect(page).toEqual({ products: [], nextPageToken: '' });
  });

  it('refuses a page token from another search, and page sizes beyond the limit', async () => {
    const first = await call(service.catalog.listProducts({ pageSize: 1, pageToken: '', query: 'lantern' }));
    expect(await failure(service.catalog.listProducts({ pageSize: 1, pageToken: first.nextPageToken, query: 'candle' }))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'page_token' }],
    });
    expect(await failure(service.catalog.listProducts({ pageSize: 101, pageToken: '', query: '' }))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'page_size' }],
    });
  });
});

describe('ImportProducts', () => {
  const row = (n: number, sku: string, overrides: Partial<ImportProductsRequest> = {}): ImportProductsRequest => ({
    row: n,
    sku,
    name: `Imported ${sku}`,
    description: '',
    price: usd('500'),
    stockOnHand: 7,
    ...overrides,
  });

  it('creates new SKUs, updates known ones and reports bad rows without dropping the good ones', async () => {
    await call(service.catalog.createProduct(product('IMPORT-KNOWN', { name: 'Before import', stockOnHand: 1 }), service.asAdmin));
    const rows = [
      row(2, 'import-new-1'),
      row(3, 'IMPORT-KNOWN', { name: 'After import', price: usd('650'), stockOnHand: 30 }),
      row(4, 'IMPORT-BAD-STOCK', { stockOnHand: -3 }),
      row(5, 'IMPORT-NO-PRICE', { price: undefined }),
      row(0, 'IMPORT-NEW-2'),
    ];
    const summary = await call(service.catalog.importProducts(from(rows), service.asAdmin));
    expect(summary.createdCount).toBe(2);
    expect(summary.updatedCount).toBe(1);
    expect(summary.errors).toEqual([
      { row: 4, sku: 'IMPORT-BAD-STOCK', message: 'stock_on_hand must be 0 or more' },
      { row: 5, sku: 'IMPORT-NO-PRICE', message: expect.stringMatching(/^price is required/) },
    ]);
    expect(await storedBySku('IMPORT-NEW-1')).toMatchObject({ name: 'Imported import-new-1', stockOnHand: 7, priceAmountMinor: 500n });
    expect(await storedBySku('IMPORT-NEW-2')).toBeDefined();
    expect(await storedBySku('IMPORT-KNOWN')).toMatchObject({ name: 'After import', stockOnHand: 30, priceAmountMinor: 650n });
    expect(await storedBySku('IMPORT-BAD-STOCK')).toBeUndefined();
  });

  it('numbers rows the client left unnumbered by their position in the stream', async () => {
    const summary = await call(service.catalog.importProducts(from([row(0, 'POS-OK'), row(0, 'POS-BAD', { name: '' })]), service.asAdmin));
    expect(summary.errors).toEqual([{ row: 2, sku: 'POS-BAD', message: 'name must not be empty' }]);
  });

  it('lets only an admin import, and imports nothing otherwise', async () => {
    const error = await failure(service.catalog.importProducts(from([row(1, 'IMPORT-BY-CUSTOMER')]), service.asCustomer));
    expect(error).toMatchObject({ kind: 'PERMISSION_DENIED' });
    expect(await storedBySku('IMPORT-BY-CUSTOMER')).toBeUndefined();
  });
});
