import { describe, expect, it } from 'vitest';
import type { Money } from '../orders/order.js';
import { applyCartEdit, MAX_CART_LINES, quoteCart, type Cart, type CartEdit, type CatalogOffer } from './cart.js';

const MUG = '0190f0a0-0000-7000-8000-000000000001';
const TEA = '0190f0a0-0000-7000-8000-000000000002';
const STROOPWAFEL = '0190f0a0-0000-7000-8000-000000000003';
const GHOST = '0190f0a0-0000-7000-8000-00000000dead';
const productId = (n: number) => `0190f0a0-0000-7000-8000-${n.toString().padStart(12, '0')}`;

const usd = (amountMinor: bigint): Money => ({ amountMinor, currencyCode: 'USD' });
const eur = (amountMinor: bigint): Money => ({ amountMinor, currencyCode: 'EUR' });

function cartAfter(...edits: CartEdit[]): Cart {
  const cart: Cart = new Map();
  for (const edit of edits) applyCartEdit(cart, edit);
  return cart;
}

const set = (id: string, quantity: number): CartEdit => ({ setLine: { productId: id, quantity } });
const invalidInput = (field: string) =>
  expect.objectContaining({ code: 'ORDERS.INVALID_INPUT', fieldViolations: [expect.objectContaining({ field })] });

describe('applyCartEdit', () => {
  it('adds products in the order they were first set, and sets (not adds to) a quantity set again', () => {
    expect([...cartAfter(set(MUG, 2), set(TEA, 1), set(MUG, 5))]).toEqual([
      [MUG, 5],
      [TEA, 1],
    ]);
  });

  it('takes a product id in any case as the same product', () => {
    expect([...cartAfter(set(MUG, 1), set(MUG.toUpperCase(), 3))]).toEqual([[MUG, 3]]);
  });

  it('removes a product, and removing one not in the cart changes nothing', () => {
    expect([...cartAfter(set(MUG, 1), set(TEA, 1), { removeLine: { productId: MUG } }, { removeLine: { productId: GHOST } })]).toEqual([
      [TEA, 1],
    ]);
  });

  it('empties the cart', () => {
    expect(cartAfter(set(MUG, 1), set(TEA, 1), { clear: true }).size).toBe(0);
  });

  it.each([1, 100])('accepts a quantity of %i', (quantity) => {
    expect(cartAfter(set(MUG, quantity)).get(MUG)).toBe(quantity);
  });

  it.each([0, -1, 101, 1.5, Number.NaN])('refuses a quantity of %d and leaves the cart as it was', (quantity) => {
    const cart = cartAfter(set(MUG, 2));
    expect(() => applyCartEdit(cart, set(MUG, quantity))).toThrow(invalidInput('quantity'));
    expect([...cart]).toEqual([[MUG, 2]]);
  });

  it('refuses a product id that is not a UUID, to set or to remove', () => {
    expect(() => cartAfter(set('mug', 1))).toThrow(invalidInput('product_id'));
    expect(() => cartAfter({ removeLine: { productId: 'mug' } })).toThrow(invalidInput('product_id'));
  });

  it(`holds at most ${MAX_CART_LINES} products, as an order does, but still changes the ones it holds`, () => {
    const full = cartAfter(...Array.from({ length: MAX_CART_LINES }, (_, n) => set(productId(n), 1)));
    expect(full.size).toBe(MAX_CART_LINES);
    expect(() => applyCartEdit(full, set(productId(MAX_CART_LINES), 1))).toThrow(invalidInput('set_line.product_id'));
    applyCartEdit(full, set(productId(0), 100));
    expect(full.get(productId(0))).toBe(100);
    expect(full.size).toBe(MAX_CART_LINES);
  });
});

describe('quoteCart', () => {
  const offers = new Map<string, CatalogOffer>([
    [MUG, { price: usd(1299n), stockOnHand: 5 }],
    [TEA, { price: usd(450n), stockOnHand: 0 }],
  ]);

  it('prices each line at the current price and sums the lines', () => {
    expect(quoteCart(new Map([[MUG, 2]]), offers)).toEqual({
      lines: [{ productId: MUG, quantity: 2, unitPrice: usd(1299n), lineTotal: usd(2598n), availability: 'in_stock' }],
      subtotal: usd(2598n),
    });
  });

  it.each([
    [4, 'in_stock'],
    [5, 'in_stock'],
    [6, 'insufficient_stock'],
  ])('says %i mugs with 5 on hand are %s, and prices them either way', (quantity, availability) => {
    const [line] = quoteCart(new Map([[MUG, quantity]]), offers).lines;
    expect(line).toMatchObject({ availability, lineTotal: usd(1299n * BigInt(quantity)) });
  });

  it('keeps an unknown product in the cart, unpriced and out of the subtotal', () => {
    expect(
      quoteCart(
        new Map([
          [GHOST, 3],
          [TEA, 2],
        ]),
        offers,
      ),
    ).toEqual({
      lines: [
        { productId: GHOST, quantity: 3, availability: 'product_not_found' },
        { productId: TEA, quantity: 2, unitPrice: usd(450n), lineTotal: usd(900n), availability: 'insufficient_stock' },
      ],
      subtotal: usd(900n),
    });
  });

  it('quotes an empty cart, or one of unknown products only, at zero USD', () => {
    expect(quoteCart(new Map(), offers)).toEqual({ lines: [], subtotal: usd(0n) });
    expect(quoteCart(new Map([[GHOST, 1]]), offers).subtotal).toEqual(usd(0n));
  });

  it('refuses a cart whose products are priced in different currencies', () => {
    const mixed = new Map([...offers, [STROOPWAFEL, { price: eur(100n), stockOnHand: 1 }]]);
    expect(() =>
      quoteCart(
        new Map([
          [MUG, 1],
          [STROOPWAFEL, 1],
        ]),
        mixed,
      ),
    ).toThrow(expect.objectContaining({ code: 'ORDERS.MIXED_CURRENCIES' }));
  });
});
