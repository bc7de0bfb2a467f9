import type { Money } from './order.js';
import { OrdersErrors } from './orders.errors.js';

/** A line of an order with the catalog price it is charged at. */
export interface PricedItem {
  productId: string;
  quantity: number;
  unitPrice: Money;
}

/** What `quantity` units at `unitPrice` cost, exactly. */
export function lineTotal(unitPrice: Money, quantity: number): Money {
  return { amountMinor: unitPrice.amountMinor * BigInt(quantity), currencyCode: unitPrice.currencyCode };
}

/**
 * The sum of `amounts`. One order is charged in one currency, so amounts in different currencies are refused
 * rather than added; an empty sum is zero, in USD since there is no currency to take.
 */
export function sumOf(amounts: readonly Money[]): Money {
  if (new Set(amounts.map((amount) => amount.currencyCode)).size > 1) throw OrdersErrors.mixedCurrencies();
  return {
    amountMinor: amounts.reduce((sum, amount) => sum + amount.amountMinor, 0n),
    currencyCode: amounts[0]?.currencyCode ?? 'USD',
  };
}

/** Prices each line at its product's price; a product the catalog does not know is refused by id. */
export function priceLines(
  lines: readonly { productId: string; quantity: number }[],
  prices: ReadonlyMap<string, { price: Money }>,
): PricedItem[] {
  return lines.map((line) => {
    const product = prices.get(line.productId);
    if (!product) throw OrdersErrors.productNotFound(line.productId);
    return { productId: line.productId, quantity: line.quantity, unitPrice: product.price };
  });
}

/** What an order of `items` costs: the sum of its line totals, in the one currency they share. */
export function orderTotal(items: readonly PricedItem[]): Money {
  return sumOf(items.map((item) => lineTotal(item.unitPrice, item.quantity)));
}
