import { Injectable } from '@nestjs/common';
import { concatMap, type Observable } from 'rxjs';
import { CatalogClient } from '../upstream/catalog-client.service.js';
import { applyCartEdit, quoteCart, type Cart, type CartEdit, type CartQuote } from './cart.js';

// The gRPC controller takes the edits it translates requests into from here.
export type { CartEdit } from './cart.js';

/**
 * A live quote: the cart lives as long as the stream, each edit is answered with the whole cart re-priced at
 * current catalog prices and stock, in the order the edits arrived. Nothing is reserved.
 */
@Injectable()
export class QuoteCartService {
  constructor(private readonly catalog: CatalogClient) {}

  quote(edits: Observable<CartEdit>): Observable<CartQuote> {
    const cart: Cart = new Map();
    return edits.pipe(
      concatMap(async (edit) => {
        applyCartEdit(cart, edit);
        return quoteCart(cart, await this.catalog.products([...cart.keys()]));
      }),
    );
  }
}
