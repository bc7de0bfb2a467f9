import { describe, expect, it } from 'vitest';
import type { Money } from './order.js';
import { lineTotal, orderTotal, priceLines, sumOf, type PricedItem } from './pricing.js';

const usd = (amountMinor: bigint): Money => ({ amountMinor, currencyCode: 'USD' });
const eur = (amountMinor: bigint): Money => ({ amountMinor, currencyCode: 'EUR' });
const item = (productId: string, quantity: number, unitPrice: Money): PricedItem => ({ productId, quantity, unitPrice });

/** catalog-service's highest price, and the most units and lines an order may hold (order-input.schema.ts). */
const MAX_PRICE_MINOR = 2_147_483_647n;
const MAX_QUANTITY = 100;
const MAX_LINES = 50;

describe('lineTotal', () => {
  it.each([
    ['one unit costs the unit price', usd(1999n), 1, usd(1999n)],
    ['three units at 19.99 cost exactly 59.97, with no rounding', usd(1999n), 3, usd(5997n)],
    ['a free product costs nothing however many are bought', usd(0n), 100, usd(0n)],
    ['the highest price times the most units stays exact', usd(MAX_PRICE_MINOR), MAX_QUANTITY, usd(214_748_364_700n)],
    ['the currency is the unit price’s', eur(250n), 4, eur(1000n)],
  ])('%s', (_rule, unitPrice, quantity, total) => {
    expect(lineTotal(unitPrice, quantity)).toEqual(total);
  });

  it('stays exact beyond the integers a JavaScript number holds', () => {
    expect(lineTotal(usd(9_007_199_254_740_993n), 3)).toEqual(usd(27_021_597_764_222_979n));
  });
});

describe('sumOf', () => {
  it('adds amounts of one currency exactly', () => {
    expect(sumOf([usd(1n), usd(1999n), usd(0n), usd(10_000n)])).toEqual(usd(12_000n));
  });

  it('is zero USD for nothing', () => {
    expect(sumOf([])).toEqual(usd(0n));
  });

  it('keeps the currency of a sum in EUR', () => {
    expect(sumOf([eur(100n), eur(5n)])).toEqual(eur(105n));
  });

  it('refuses to add different currencies rather than mix them', () => {
    expect(() => sumOf([usd(100n), eur(100n)])).toThrow(
      expect.objectContaining({ kind: 'FAILED_PRECONDITION', code: 'ORDERS.MIXED_CURRENCIES' }),
    );
  });
});

describe('priceLines', () => {
  const prices = new Map([
    ['mug', { price: usd(1299n) }],
    ['tea', { price: usd(450n) }],
  ]);

  it('charges each line at its product’s price, in the order the lines were given', () => {
    expect(
      priceLines(
        [
          { productId: 'tea', quantity: 3 },
          { productId: 'mug', quantity: 1 },
        ],
        prices,
      ),
    ).toEqual([item('tea', 3, usd(450n)), item('mug', 1, usd(1299n))]);
  });

  it('refuses a product the catalog does not know, naming it', () => {
    expect(() =>
      priceLines(
        [
          { productId: 'mug', quantity: 1 },
          { productId: 'ghost', quantity: 1 },
        ],
        prices,
      ),
    ).toThrow(expect.objectContaining({ code: 'ORDERS.PRODUCT_NOT_FOUND', message: expect.stringContaining('ghost') }));
  });
});

describe('orderTotal', () => {
  it.each([
    ['one line', [item('mug', 1, usd(1299n))], usd(1299n)],
    ['several lines', [item('mug', 2, usd(1299n)), item('tea', 3, usd(450n)), item('spoon', 1, usd(99n))], usd(4047n)],
    ['a line of free products', [item('sticker', 100, usd(0n)), item('mug', 1, usd(1299n))], usd(1299n)],
    ['a line of 100 units', [item('tea', 100, usd(450n))], usd(45_000n)],
    ['an order in EUR', [item('mug', 2, eur(999n))], eur(1998n)],
  ])('sums the line totals of %s', (_cart, items, total) => {
    expect(orderTotal(items)).toEqual(total);
  });

  it('totals the largest order that can be placed exactly, within int64 and a JSON-safe integer', () => {
    const items = Array.from({ length: MAX_LINES }, (_, line) => item(`product-${line}`, MAX_QUANTITY, usd(MAX_PRICE_MINOR)));
    const total = orderTotal(items);
    expect(total).toEqual(usd(10_737_418_235_000n));
    expect(total.amountMinor <= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('refuses an order whose products are priced in different currencies', () => {
    expect(() => orderTotal([item('mug', 1, usd(1299n)), item('tea', 1, eur(450n))])).toThrow(
      expect.objectContaining({ code: 'ORDERS.MIXED_CURRENCIES' }),
    );
  });
});
