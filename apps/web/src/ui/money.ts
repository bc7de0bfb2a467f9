/**
 * The gateway's `Money` type. The generated code holds only what documents select, so this is written out
 * once here; every selection of `{ amountMinor currencyCode }` matches it.
 */
export interface Money {
  /** The amount in minor units: 1999 for 19.99 USD. */
  amountMinor: number;
  currencyCode: string;
}

/** Money as the user's locale writes it, e.g. "$19.99" for { amountMinor: 1999, currencyCode: "USD" }. */
export function formatMoney(money: Money, locale?: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currencyCode });
  // The gateway sends minor units; the currency says how many of them make one (100 for USD, 1 for JPY).
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amountMinor / 10 ** digits);
}
