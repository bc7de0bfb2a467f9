import { Injectable } from '@nestjs/common';
import { concatMap, type Observable } from 'rxjs';
import { DomainError } from '@triad/platform';
import { MAX_ORDER_LINES, parseCartLine, parseCartProductId } from '../orders/order-input.schema.js';
import { OrdersErrors } from '../orders/orders.errors.js';
import type { Money } from '../orders/order.js';
import { CatalogClient } from '../upstream/catalog-client.service.js';

const MAX_CART_LINES = MAX_ORDER_LINES;

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

/**
 * A live quote: the cart lives as long as the stream, each edit is answered with the whole cart re-priced at
 * current catalog prices and stock, in the order the edits arrived. Nothing is reserved.
 */
@Injectable()
export class QuoteCartService {
  constructor(private readonly catalog: CatalogClient) {}

  quote(edits: Observable<CartEdit>): Observable<CartQuote> {
    const cart = new Map<string, number>();
    return edits.pipe(
      concatMap(async (edit) => {
        apply(cart, edit);
        const products = await this.catalog.products([...cart.keys()]);
        const lines = [...cart].map(([productId, quantity]): QuotedLine => {
          const product = products.get(productId);
          if (!product) return { productId, quantity, availability: 'product_not_found' };
          return {
            productId,
            quantity,
            unitPrice: product.price,
            lineTotal: { amountMinor: product.price.amountMinor * BigInt(quantity), currencyCode: product.price.currencyCode },
            availability: product.stockOnHand >= quantity ? 'in_stock' : 'insufficient_stock',
          };
        });
        const priced = lines.flatMap((line) => (line.lineTotal ? [line.lineTotal] : []));
        // As for a placement: one order, one currency.
        if (new Set(priced.map((total) => total.currencyCode)).size > 1) throw OrdersErrors.mixedCurrencies();
        const subtotal = {
          amountMinor: priced.reduce((sum, total) => sum + total.amountMinor, 0n),
          currencyCode: priced[0]?.currencyCode ?? 'USD',
        };
        return { lines, subtotal };
      }),
    );
  }
}

function apply(cart: Map<string, number>, edit: CartEdit): void {
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
