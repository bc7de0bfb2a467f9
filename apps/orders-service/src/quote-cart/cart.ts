import { DomainError } from '@triad/platform';
import { MAX_ORDER_LINES, parseCartLine, parseCartProductId } from '../orders/order-input.schema.js';
import type { Money } from '../orders/order.js';
import { OrdersErrors } from '../orders/orders.errors.js';
import { lineTotal, sumOf } from '../orders/pricing.js';

/** A cart holds as many products as an order may, so every quoted cart can be placed. */
export const MAX_CART_LINES = MAX_ORDER_LINES;

/** The products in a cart and how many of each, in the order they were first added. */
export type Cart = Map<string, number>;

/** One change to a cart being quoted. */
export type CartEdit = { setLine: { productId: string; quantity: number } } | { removeLine: { productId: string } } | { clear: true };

export type Availability = 'in_stock' | 'insufficient_stock' | 'product_not_found';

export interface QuotedLine {
  productId: string;
  quantity: number;
  unitPrice?: Money;
  lineTotal?: Money;
  availability: Availability;
}

export interface CartQuote {
  lines: QuotedLine[];
  subtotal: Money;
}

/** What the catalog says about a product in the cart now. */
export interface CatalogOffer {
  price: Money;
  stockOnHand: number;
}

/** Applies one edit to `cart`; an invalid line, or a product beyond the cart's limit, is refused. */
export function applyCartEdit(cart: Cart, edit: CartEdit): void {
  if ('clear' in edit) return cart.clear();
  if ('removeLine' in edit) {
    cart.delete(parseCartProductId(edit.removeLine.productId));
    return;
  }
  const line = parseCartLine(edit.setLine);
  if (!cart.has(line.productId) && cart.size >= MAX_CART_LINES) {
    throw DomainError.invalidArgument(OrdersErrors.INVALID_INPUT, [
      { field: 'set_line.product_id', description: `cannot be added: a cart holds at most ${MAX_CART_LINES} products, as an order does` },
    ]);
  }
  cart.set(line.productId, line.quantity);
}

/**
 * The cart priced at `offers`: products the catalog does not know stay in the cart unpriced, and only priced
 * lines count towards the subtotal. As for a placement, one cart is priced in one currency.
 */
export function quoteCart(cart: ReadonlyMap<string, number>, offers: ReadonlyMap<string, CatalogOffer>): CartQuote {
  const lines = [...cart].map(([productId, quantity]): QuotedLine => {
    const offer = offers.get(productId);
    if (!offer) return { productId, quantity, availability: 'product_not_found' };
    return {
      productId,
      quantity,
      unitPrice: offer.price,
      lineTotal: lineTotal(offer.price, quantity),
      availability: offer.stockOnHand >= quantity ? 'in_stock' : 'insufficient_stock',
    };
  });
  return { lines, subtotal: sumOf(lines.flatMap((line) => (line.lineTotal ? [line.lineTotal] : []))) };
}
