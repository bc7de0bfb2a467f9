import { isUuid } from '@triad/platform';
import DataLoader from 'dataloader';
import type { ProductsService, ProductView } from './products.service.js';

/**
 * One loader per GraphQL request: every `Product` the request needs, by id or as a federation reference from
 * another subgraph, is fetched in one batched query. A malformed id names no product, so it resolves to null
 * like an unknown one instead of failing the whole batch.
 */
export function createProductsLoader(products: ProductsService): DataLoader<string, ProductView | undefined> {
  return new DataLoader(async (ids: readonly string[]) => {
    const found = await products.batchGetProducts(ids.filter(isUuid));
    const byId = new Map(found.map((product) => [product.id, product]));
    return ids.map((id) => byId.get(id.toLowerCase()));
  });
}
