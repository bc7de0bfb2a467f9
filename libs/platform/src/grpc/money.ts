import type { Money } from '@triad/contracts/common/v1';

/** An amount of money as services compute with it: minor units as a bigint, so sums never lose precision. */
export interface MoneyAmount {
  amountMinor: bigint;
  currencyCode: string;
}

/** The proto `Money` of an amount; its int64 travels as a decimal string, as the loader delivers int64s. */
export function toProtoMoney(money: MoneyAmount): Money {
  return { amountMinor: money.amountMinor.toString(), currencyCode: money.currencyCode };
}
