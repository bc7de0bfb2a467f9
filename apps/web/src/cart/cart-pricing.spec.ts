import { describe, expect, it } from 'vitest';
import { formatMoney } from '../ui/money';
import { priceCart } from './cart-pricing';

const usd = (amountMinor: number) => ({ amountMinor, currencyCode: 'USD' });

describe('priceCart', () => {
  it('multiplies each unit price by its quantity and adds the lines up in minor units', () => {
    const priced = priceCart([
      { productId: 'a', name: 'Pen', unitPrice: usd(199), quantity: 3 },
      { productId: 'b', name: 'Pad', unitPrice: usd(1001), quantity: 1 },
    ]);
    expect(priced.lines.map((line) => line.lineTotal)).toEqual([usd(597), usd(1001)]);
    expect(priced.totals).toEqual([usd(1598)]);
    expect(formatMoney(priced.totals[0]!, 'en-US')).toBe('$15.98');
  });

  it('keeps one total per currency rather than adding different currencies', () => {
    const priced = priceCart([
      { productId: 'a', name: 'Pen', unitPrice: usd(100), quantity: 1 },
      { productId: 'b', name: 'Tea', unitPrice: { amountMinor: 500, currencyCode: 'JPY' }, quantity: 2 },
    ]);
    expect(priced.totals).toEqual([usd(100), { amountMinor: 1000, currencyCode: 'JPY' }]);
    expect(formatMoney(priced.totals[1]!, 'en-US')).toBe('¥1,000');
  });

  it('prices an empty cart at nothing', () => {
    expect(priceCart([])).toEqual({ lines: [], totals: [] });
  });
});
