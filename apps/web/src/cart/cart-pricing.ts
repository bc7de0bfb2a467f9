import type { Money } from '../ui/money';

/** One product in the cart, with the unit price the catalog returned through GraphQL when it was added. */
export interface CartLine {
  productId: string;
  name: string;
  unitPrice: Money;
  quantity: number;
}

export interface PricedCartLine extends CartLine {
  lineTotal: Money;
}

export interface PricedCart {
  lines: PricedCartLine[];
  /** One total per currency, in the order the currencies first appear (products may be priced in several). */
  totals: Money[];
}

/**
 * Prices the cart in the browser. The gateway has no live cart quote yet (orders-service's quote is a
 * gRPC stream only), so this is an estimate from catalog prices: orders-service prices the order again when
 * it is placed, and the order page shows what was charged.
 */
export function priceCart(lines: readonly CartLine[]): PricedCart {
  const totals = new Map<string, number>();
  const priced = lines.map((line) => {
    const amountMinor = line.unitPrice.amountMinor * line.quantity;
    const { currencyCode } = line.unitPrice;
    totals.set(currencyCode, (totals.get(currencyCode) ?? 0) + amountMinor);
    return { ...line, lineTotal: { amountMinor, currencyCode } };
  });
  return {
    lines: priced,
    totals: [...totals].map(([currencyCode, amountMinor]) => ({ amountMinor, currencyCode })),
  };
}
