import { describe, expect, it } from 'vitest';
import { toMoneyResource } from './money.dto.js';

// catalog-service keeps prices (and so order totals) far below 2^53, so no running service sends such an
// amount: the conversion is checked on its own. An error it throws is a 500 like any other (problem-details spec).
describe('toMoneyResource', () => {
  it('reads the int64 decimal string into a JSON integer', () => {
    expect(toMoneyResource({ amountMinor: '1299', currencyCode: 'USD' })).toEqual({ amount_minor: 1299, currency_code: 'USD' });
  });

  it('fails rather than round an amount too large for a JSON number to hold exactly', () => {
    expect(() => toMoneyResource({ amountMinor: String(2n ** 60n), currencyCode: 'USD' })).toThrow(
      'the amount 1152921504606846976 does not fit a JSON integer exactly',
    );
  });
});
