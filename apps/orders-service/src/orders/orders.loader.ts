import type { GraphQLContext } from '@triad/platform';
import DataLoader from 'dataloader';
import type { Order } from './order.js';
import type { OrdersService } from './orders.service.js';

/** One loader per GraphQL request: every `Order` the request resolves by reference is fetched in one query. */
export function createOrdersLoader(orders: OrdersService, context: GraphQLContext): DataLoader<string, Order | undefined> {
  return new DataLoader(async (ids: readonly string[]) => {
    const found = await orders.batchGetOrders(ids, await context.requireCaller());
    const byId = new Map(found.map((order) => [order.id, order]));
    return ids.map((id) => byId.get(id.toLowerCase()));
  });
}
