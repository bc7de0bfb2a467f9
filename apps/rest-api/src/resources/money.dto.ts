import { ApiProperty } from '@nestjs/swagger';
import type { Money } from '@triad/contracts/common/v1';

export class MoneyResource {
  @ApiProperty({
    type: 'integer',
    format: 'int64',
    minimum: Number.MIN_SAFE_INTEGER,
    maximum: Number.MAX_SAFE_INTEGER,
    example: 1999,
    description:
      "The amount in the currency's minor unit (cents for USD, yen for JPY), never a decimal: 1999 is $19.99. " +
      'Negative for refunds and credits. Always within ±(2^53 − 1), so every JSON parser reads it exactly.',
  })
  amount_minor!: number;

  @ApiProperty({ pattern: '^[A-Z]{3}$', example: 'USD', description: 'The ISO 4217 currency code, upper case.' })
  currency_code!: string;
}

/** The REST shape of a proto `Money`, whose int64 arrives as a decimal string. */
export function toMoneyResource(money: Money | undefined | null): MoneyResource {
  if (!money) throw new Error('an upstream service answered without an amount of money');
  const amountMinor = Number(money.amountMinor);
  // A JSON number is a double: past 2^53 it would be rounded without a word, which for money is worse than failing.
  if (!Number.isSafeInteger(amountMinor)) throw new Error(`the amount ${money.amountMinor} does not fit a JSON integer exactly`);
  return { amount_minor: amountMinor, currency_code: money.currencyCode };
}
