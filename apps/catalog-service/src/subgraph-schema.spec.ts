import { subgraphSdl } from '@triad/testing';
import { describe, expect, it } from 'vitest';
import { ProductsResolver } from './products/products.resolver.js';

// schema.graphql is what the gateway's supergraph is composed from. After an intended change to the
// GraphQL types, `npx nx test catalog-service -- -u` rewrites it; then run `npm run supergraph:compose`.
describe('catalog subgraph schema', () => {
  it('matches the checked-in schema.graphql', async () => {
    await expect(await subgraphSdl([ProductsResolver])).toMatchFileSnapshot('../schema.graphql');
  });
});
