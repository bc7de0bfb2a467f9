import { subgraphSdl } from '@triad/testing';
import { describe, expect, it } from 'vitest';
import { OrdersResolver, UserOrdersResolver } from './orders/orders.resolver.js';

// schema.graphql is what the gateway's supergraph is composed from. After an intended change to the
// GraphQL types, `npx nx test orders-service -- -u` rewrites it; then run `npm run supergraph:compose`.
describe('orders subgraph schema', () => {
  it('matches the checked-in schema.graphql', async () => {
    await expect(await subgraphSdl([OrdersResolver, UserOrdersResolver])).toMatchFileSnapshot('../schema.graphql');
  });
});
