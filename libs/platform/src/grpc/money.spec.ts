import { describe, expect, it } from 'vitest';
import { toProtoMoney } from './money.js';

const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

describe('toProtoMoney', () => {
  it.each([
    ['zero', 0n, '0'],
    ['a price', 1999n, '1999'],
    ['a refund', -250n, '-250'],
    ['one past the integers a JavaScript number holds', 9_007_199_254_740_993n, '9007199254740993'],
    ['the largest int64', INT64_MAX, '9223372036854775807'],
    ['the smallest int64', INT64_MIN, '-9223372036854775808'],
  ])('writes %s as the exact decimal string an int64 travels in', (_what, amountMinor, wire) => {
    expect(toProtoMoney({ amountMinor, currencyCode: 'USD' })).toEqual({ amountMinor: wire, currencyCode: 'USD' });
  });

  it('passes the currency through as it is', () => {
    expect(toProtoMoney({ amountMinor: 100n, currencyCode: 'JPY' }).currencyCode).toBe('JPY');
  });

  it('round-trips through BigInt without losing a unit', () => {
    for (const amountMinor of [0n, -1n, INT64_MAX, INT64_MIN]) {
      expect(BigInt(toProtoMoney({ amountMinor, currencyCode: 'EUR' }).amountMinor)).toBe(amountMinor);
    }
  });
});
