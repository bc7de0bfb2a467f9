import { subgraphSdl } from '@triad/testing';
import { describe, expect, it } from 'vitest';
import { ApiKeysResolver, UserApiKeysResolver } from './api-keys/api-keys.resolver.js';
import { OAuthClientsResolver, UserOAuthClientsResolver } from './oauth-clients/oauth-clients.resolver.js';

// schema.graphql is what the gateway's supergraph is composed from. After an intended change to the
// GraphQL types, `npx nx test rest-api -- -u` rewrites it; then run `npm run supergraph:compose`.
describe('rest subgraph schema', () => {
  it('matches the checked-in schema.graphql', async () => {
    await expect(
      await subgraphSdl([ApiKeysResolver, UserApiKeysResolver, OAuthClientsResolver, UserOAuthClientsResolver]),
    ).toMatchFileSnapshot('../schema.graphql');
  });
});
