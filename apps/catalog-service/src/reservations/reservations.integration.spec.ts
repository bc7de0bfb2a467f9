import { Metadata } from '@grpc/grpc-js';
import { SERVICE_TOKEN_METADATA_KEY, serviceAudience, SERVICE_SCOPES } from '@triad/platform';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@triad/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { products, reservationLines, reservations } from '../db/schema.js';
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

let skuCount = 0;
/** A fresh product with `stockOnHand` units, so each test owns its stock. */
const newProduct = async (stockOnHand: number, name = 'Reservable Thing') => {
  const sku = `RES-${++skuCount}`;
  const { product } = await call(
    service.catalog.createProduct(
      { sku, name, description: '', price: { amountMinor: '100', currencyCode: 'USD' }, stockOnHand },
      service.asAdmin,
    ),
  );
  return product!;
};
const stockOf = async (id: string) => (await call(service.catalog.getProduct({ id }))).product!.stockOnHand;
const storedReservation = async (id: string) => (await service.db.select().from(reservations).where(eq(reservations.id, id)))[0];
const storedLines = async (id: string) => service.db.select().from(reservationLines).where(eq(reservationLines.reservationId, id));
const reserve = (reservationId: string, lines: { productId: string; quantity: number }[]) =>
  service.catalog.reserveStock({ reservationId, lines }, service.asOrdersService);
const release = (reservationId: string) => service.catalog.releaseStock({ reservationId }, service.asOrdersService);

describe('ReserveStock', () => {
  it('takes the stock of every line and returns the reservation, lines in product-id order', async () => {
    const [a, b] = [await newProduct(10), await newProduct(5)];
    const id = randomUUID();
    const { reservation } = await call(
      reserve(id, [
        { productId: b.id, quantity: 2 },
        { productId: a.id, quantity: 3 },
      ]),
    );
    expect(reservation).toMatchObject({ id, status: 'RESERVATION_STATUS_RESERVED' });
    expect(reservation!.lines).toEqual(
      [
        { productId: a.id, quantity: 3 },
        { productId: b.id, quantity: 2 },
      ].sort((x, y) => (x.productId < y.productId ? -1 : 1)),
    );
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([7, 3]);
    expect(await storedReservation(id)).toMatchObject({ status: 'reserved' });
  });

  it('returns the same reservation when the call is repeated, and takes the stock only once', async () => {
    const product = await newProduct(10);
    const id = randomUUID();
    const first = await call(reserve(id, [{ productId: product.id, quantity: 4 }]));
    const again = await call(reserve(id, [{ productId: product.id.toUpperCase(), quantity: 4 }]));
    expect(again).toEqual(first);
    expect(await stockOf(product.id)).toBe(6);
  });

  it('refuses a reservation id reused with different lines, and takes nothing more', async () => {
    const product = await newProduct(10);
    const id = randomUUID();
    await call(reserve(id, [{ productId: product.id, quantity: 1 }]));
    const error = await failure(reserve(id, [{ productId: product.id, quantity: 2 }]));
    expect(error).toMatchObject({ kind: 'ALREADY_EXISTS', code: 'CATALOG.RESERVATION_ID_REUSED' });
    expect(await stockOf(product.id)).toBe(9);
  });

  it('reserves nothing when one line is short, and says which product and how many are left', async () => {
    const plenty = await newProduct(10);
    const scarce = await newProduct(2, 'Scarce Widget');
    const id = randomUUID();
    const error = await failure(
      reserve(id, [
        { productId: plenty.id, quantity: 5 },
        { productId: scarce.id, quantity: 3 },
      ]),
    );
    expect(error).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'CATALOG.OUT_OF_STOCK' });
    expect(error.message).toBe(`Not enough stock of Scarce Widget (${scarce.sku}): 3 requested, 2 available.`);
    expect([await stockOf(plenty.id), await stockOf(scarce.id)]).toEqual([10, 2]);
    expect(await storedReservation(id)).toBeUndefined();
    expect(await storedLines(id)).toEqual([]);
  });

  it('leaves a failed reservation id free, so the same call succeeds once the stock is there', async () => {
    const product = await newProduct(1);
    const id = randomUUID();
    expect(await failure(reserve(id, [{ productId: product.id, quantity: 2 }]))).toMatchObject({ code: 'CATALOG.OUT_OF_STOCK' });
    await call(service.catalog.updateProduct({ id: product.id, stockOnHand: 5 }, service.asAdmin));
    expect((await call(reserve(id, [{ productId: product.id, quantity: 2 }]))).reservation?.status).toBe('RESERVATION_STATUS_RESERVED');
    expect(await stockOf(product.id)).toBe(3);
  });

  it('refuses lines for products that do not exist, and reserves nothing', async () => {
    const product = await newProduct(10);
    const ghost = '01900000-0000-7000-8000-000000000000';
    const id = randomUUID();
    const error = await failure(
      reserve(id, [
        { productId: product.id, quantity: 1 },
        { productId: ghost, quantity: 1 },
      ]),
    );
    expect(error).toMatchObject({ kind: 'NOT_FOUND', code: 'CATALOG.PRODUCT_NOT_FOUND' });
    expect(await stockOf(product.id)).toBe(10);
    expect(await storedReservation(id)).toBeUndefined();
  });

  it('lists every invalid field of a reservation by its proto name', async () => {
    const product = await newProduct(10);
    const error = await failure(
      reserve('has spaces', [
        { productId: 'not-a-uuid', quantity: 1 },
        { productId: product.id, quantity: 0 },
      ]),
    );
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'CATALOG.INVALID_INPUT' });
    expect(error.fieldViolations.map((violation) => violation.field)).toEqual([
      'reservation_id',
      'lines[0].product_id',
      'lines[1].quantity',
    ]);
    expect(await failure(reserve(randomUUID(), []))).toMatchObject({
      fieldViolations: [{ field: 'lines', description: 'must hold at least one line' }],
    });
    const twice = await failure(
      reserve(randomUUID(), [
        { productId: product.id, quantity: 1 },
        { productId: product.id, quantity: 2 },
      ]),
    );
    expect(twice.fieldViolations).toEqual([{ field: 'lines', description: expect.stringContaining('each product once') }]);
    expect(await stockOf(product.id)).toBe(10);
  });

  it('reserves exactly the stock there is when 20 customers race for 10 units', async () => {
    const product = await newProduct(10);
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const outcomes = await Promise.allSettled(ids.map((id) => call(reserve(id, [{ productId: product.id, quantity: 1 }]))));
    const reserved = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as { details?: string }] : []));
    expect(reserved).toHaveLength(10);
    expect(refused).toHaveLength(10);
    expect(refused.every((error) => error.details?.startsWith('Not enough stock'))).toBe(true);
    expect(await stockOf(product.id)).toBe(0);
    const held = await service.db.select().from(reservationLines).where(eq(reservationLines.productId, product.id));
    expect(held).toHaveLength(10);
  });

  it('never deadlocks when concurrent reservations list the same products in opposite orders', async () => {
    const [a, b] = [await newProduct(100), await newProduct(100)];
    const calls = Array.from({ length: 20 }, (_, index) => {
      const lines = [
        { productId: a.id, quantity: 1 },
        { productId: b.id, quantity: 1 },
      ];
      return call(reserve(randomUUID(), index % 2 === 0 ? lines : lines.reverse()));
    });
    await Promise.all(calls);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([80, 80]);
  });

  it('reserves once when 10 calls with the same reservation id arrive together', async () => {
    const product = await newProduct(100);
    const id = randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => call(reserve(id, [{ productId: product.id, quantity: 7 }]))));
    expect(new Set(responses.map((response) => JSON.stringify(response))).size).toBe(1);
    expect(await stockOf(product.id)).toBe(93);
    expect(await storedLines(id)).toHaveLength(1);
  });
});

describe('ReleaseStock', () => {
  it('returns the stock and marks the reservation released; releasing again returns nothing more', async () => {
    const product = await newProduct(10);
    const id = randomUUID();
    await call(reserve(id, [{ productId: product.id, quantity: 6 }]));
    const { reservation } = await call(release(id));
    expect(reservation).toMatchObject({ id, status: 'RESERVATION_STATUS_RELEASED', lines: [{ productId: product.id, quantity: 6 }] });
    expect(await stockOf(product.id)).toBe(10);
    const again = await call(release(id));
    expect(again.reservation).toEqual(reservation);
    expect(await stockOf(product.id)).toBe(10);
  });

  it('returns the stock once when 10 releases of one reservation arrive together', async () => {
    const product = await newProduct(10);
    const id = randomUUID();
    await call(reserve(id, [{ productId: product.id, quantity: 4 }]));
    await Promise.all(Array.from({ length: 10 }, () => call(release(id))));
    expect(await stockOf(product.id)).toBe(10);
  });

  it('refuses to reserve again under a released id', async () => {
    const product = await newProduct(10);
    const id = randomUUID();
    await call(reserve(id, [{ productId: product.id, quantity: 2 }]));
    await call(release(id));
    const error = await failure(reserve(id, [{ productId: product.id, quantity: 2 }]));
    expect(error).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'CATALOG.RESERVATION_RELEASED' });
    expect(await stockOf(product.id)).toBe(10);
  });

  it('remembers a release that arrives before its reservation, so the late reservation holds no stock', async () => {
    const product = await newProduct(10);
    const id = randomUUID();
    const { reservation } = await call(release(id));
    expect(reservation).toMatchObject({ id, status: 'RESERVATION_STATUS_RELEASED', lines: [] });
    const late = await failure(reserve(id, [{ productId: product.id, quantity: 3 }]));
    expect(late).toMatchObject({ kind: 'FAILED_PRECONDITION', code: 'CATALOG.RESERVATION_RELEASED' });
    expect(await stockOf(product.id)).toBe(10);
    expect(await storedReservation(id)).toMatchObject({ status: 'released' });
  });

  it('refuses an empty reservation id', async () => {
    expect(await failure(release(''))).toMatchObject({ kind: 'INVALID_ARGUMENT', fieldViolations: [{ field: 'reservation_id' }] });
  });
});

describe('stock in the database', () => {
  it('can never go below zero, even by a write that skips the use cases', async () => {
    const product = await newProduct(1);
    await expect(service.db.update(products).set({ stockOnHand: -1 }).where(eq(products.id, product.id))).rejects.toThrow();
    expect(await stockOf(product.id)).toBe(1);
  });
});

describe('who may reserve and release stock', () => {
  const asService = (token: string) => {
    const metadata = new Metadata();
    metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${token}`);
    return metadata;
  };

  it('refuses everyone but orders-service, and moves no stock', async () => {
    const product = await newProduct(4);
    const authority = service.authority;
    const stock = serviceAudience('catalog-service');
    const callers: [string, Metadata, string][] = [
      ['no token at all', new Metadata(), 'UNAUTHENTICATED'],
      ["a customer's user token", service.asCustomer, 'UNAUTHENTICATED'],
      ["an admin's user token", service.asAdmin, 'UNAUTHENTICATED'],
      ["a customer's token as a service token", asService(service.customerToken), 'UNAUTHENTICATED'],
      ["an admin's token as a service token", asService(service.adminToken), 'UNAUTHENTICATED'],
      [
        'a forged token',
        asService(`${(await authority.serviceToken('orders-service', stock, [SERVICE_SCOPES.catalogStock])).slice(0, -4)}AAAA`),
        'UNAUTHENTICATED',
      ],
      [
        'an expired service token',
        asService(await authority.serviceToken('orders-service', stock, [SERVICE_SCOPES.catalogStock], -60)),
        'UNAUTHENTICATED',
      ],
      [
        'a token meant for another service',
        asService(await authority.serviceToken('orders-service', serviceAudience('users-service'), [SERVICE_SCOPES.catalogStock])),
        'UNAUTHENTICATED',
      ],
      ['a service without the scope', asService(await authority.serviceToken('rest-api', stock, [])), 'PERMISSION_DENIED'],
    ];
    const reservationId = randomUUID();
    for (const [who, metadata, kind] of callers) {
      const reserved = await failure(
        service.catalog.reserveStock({ reservationId, lines: [{ productId: product.id, quantity: 4 }] }, metadata),
      );
      expect(reserved.kind, who).toBe(kind);
      const released = await failure(service.catalog.releaseStock({ reservationId }, metadata));
      expect(released.kind, who).toBe(kind);
    }
    expect(await stockOf(product.id)).toBe(4);
    expect(await storedReservation(reservationId)).toBeUndefined();
  });

  it('lets orders-service, whose token carries catalog:stock, hold and return stock', async () => {
    const product = await newProduct(4);
    const reservationId = randomUUID();
    await call(reserve(reservationId, [{ productId: product.id, quantity: 3 }]));
    expect(await stockOf(product.id)).toBe(1);
    await call(release(reservationId));
    expect(await stockOf(product.id)).toBe(4);
  });
});
