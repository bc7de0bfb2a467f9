import type { ContractFixtures } from './contract-fixtures.js';
import { ANY_COPY, get, OVERSIZED, post, remove, UNKNOWN_ID, when, type OperationContract } from './operation-contract.js';

/** Sent with Alice's API key, which may not manage OAuth clients, instead of her access token. */
const byApiKey = (f: ContractFixtures) => ({ headers: { 'x-api-key': f.apiKeys.inUse.secret } });

/** `/v1/oauth-clients`, over users-service: managed with the user's own access token only. */
export const OAUTH_CLIENTS_CONTRACTS: Record<string, OperationContract> = {
  createOAuthClient: {
    answers: {
      201: when('a signed-in user names it and picks scopes', (f) =>
        post('/v1/oauth-clients', { token: f.alice.token, body: { name: 'nightly export', scopes: ['orders:read'] } }),
      ),
      400: when('a customer asks for an admin scope', (f) =>
        post('/v1/oauth-clients', { token: f.alice.token, body: { name: 'catalog sync', scopes: ['catalog:write'] } }),
      ),
      401: when('no access token is sent', () => post('/v1/oauth-clients', { body: { name: 'anonymous', scopes: ['orders:read'] } })),
      403: when('an API key is sent', (f) =>
        post('/v1/oauth-clients', { ...byApiKey(f), body: { name: 'successor', scopes: ['orders:read'] } }),
      ),
      413: when('the body is over the limit', (f) => post('/v1/oauth-clients', { token: f.alice.token, body: OVERSIZED })),
      422: when('the user already holds the most clients allowed', (f) =>
        post('/v1/oauth-clients', { token: f.bob.token, body: { name: 'one too many', scopes: ['orders:read'] } }),
      ),
    },
  },
  listOAuthClients: {
    answers: {
      200: when('a signed-in user asks', (f) => get('/v1/oauth-clients', { token: f.alice.token })),
      304: when('the client holds the current list', (f) => get('/v1/oauth-clients', { token: f.alice.token, headers: ANY_COPY })),
      401: when('no access token is sent', () => get('/v1/oauth-clients')),
      403: when('an API key is sent', (f) => get('/v1/oauth-clients', byApiKey(f))),
    },
  },
  revokeOAuthClient: {
    answers: {
      204: when('its owner revokes it', (f) => remove(`/v1/oauth-clients/${f.oauthClients.spare}`, { token: f.alice.token })),
      400: when('the id is not a UUID', (f) => remove('/v1/oauth-clients/not-a-uuid', { token: f.alice.token })),
      401: when('no access token is sent', (f) => remove(`/v1/oauth-clients/${f.oauthClients.spare}`)),
      403: when('an API key is sent', (f) => remove(`/v1/oauth-clients/${f.oauthClients.spare}`, byApiKey(f))),
      404: when('no client of the caller has the id', (f) => remove(`/v1/oauth-clients/${UNKNOWN_ID}`, { token: f.alice.token })),
    },
  },
};
