import { subgraphSdl } from '@triad/testing';
import { describe, expect, it } from 'vitest';
import { UsersResolver } from './users/users.resolver.js';

// schema.graphql is what the gateway's supergraph is composed from. After an intended change to the
// GraphQL types, `npx nx test users-service -- -u` rewrites it; then run `npm run supergraph:compose`.
describe('users subgraph schema', () => {
  it('matches the checked-in schema.graphql', async () => {
    await expect(await subgraphSdl([UsersResolver])).toMatchFileSnapshot('../schema.graphql');
  });
});
