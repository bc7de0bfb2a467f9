import { describe, expect, it } from 'vitest';
import { toProtoMoney } from '../grpc/money.js';
import { MoneyModel } from './money.model.js';

describe('MoneyModel.of', () => {
  it('reads the decimal string a proto Money carries its int64 amount in', () => {
    expect(MoneyModel.of('1999', 'USD')).toEqual({ amountMinor: 1999, currencyCode: 'USD' });
  });

  it('reads a bigint amount, the same as after a trip through the proto Money', () => {
    const { amountMinor, currencyCode } = toProtoMoney({ amountMinor: -250n, currencyCode: 'EUR' });
    expect(MoneyModel.of(-250n, 'EUR')).toEqual({ amountMinor: -250, currencyCode: 'EUR' });
    expect(MoneyModel.of(amountMinor, currencyCode)).toEqual(MoneyModel.of(-250n, 'EUR'));
  });

  it('accepts the largest GraphQL Int and refuses one more rather than return a wrong number', () => {
    expect(MoneyModel.of(2_147_483_647n, 'USD').amountMinor).toBe(2_147_483_647);
    expect(() => MoneyModel.of('2147483648', 'USD')).toThrow(RangeError);
    expect(() => MoneyModel.of(-2_147_483_649n, 'USD')).toThrow(RangeError);
  });

  it('keeps zero and the smallest GraphQL Int, and refuses the int64 extremes a proto Money can carry', () => {
    expect(MoneyModel.of('0', 'USD')).toEqual({ amountMinor: 0, currencyCode: 'USD' });
    expect(MoneyModel.of(-2_147_483_648n, 'USD').amountMinor).toBe(-2_147_483_648);
    expect(() => MoneyModel.of('9223372036854775807', 'USD')).toThrow(RangeError);
    expect(() => MoneyModel.of('-9223372036854775808', 'USD')).toThrow(RangeError);
  });

  it.each(['12.5', '1e3', 'abc', '19,99'])('refuses %j, which is not a whole number of minor units, rather than return NaN', (amount) => {
    expect(() => MoneyModel.of(amount, 'USD')).toThrow(SyntaxError);
  });
});
