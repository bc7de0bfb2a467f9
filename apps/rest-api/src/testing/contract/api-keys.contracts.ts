import type { ContractFixtures } from './contract-fixtures.js';
import { ANY_COPY, get, OVERSIZED, post, UNKNOWN_ID, when, type OperationContract } from './operation-contract.js';

/** Why an API-key operation never answers 503 or 504. */
const CALLS_NO_SERVICE =
  "API keys live in rest-api's own database: no service is called, so none can be down or slow (a failing database is a 500)";

/** Sent with Alice's API key, which may not manage keys, instead of her access token. */
const byApiKey = (f: ContractFixtures) => ({ headers: { 'x-api-key': f.apiKeys.inUse.secret } });

/** `/v1/api-keys`, which rest-api keeps in its own database: managed with an access token only. */
export const API_KEYS_CONTRACTS: Record<string, OperationContract> = {
  createApiKey: {
    answers: {
      201: when('a signed-in user names it', (f) => post('/v1/api-keys', { token: f.alice.token, body: { name: 'nightly stock sync' } })),
      400: when('the name is blank', (f) => post('/v1/api-keys', { token: f.alice.token, body: { name: ' ' } })),
      401: when('no access token is sent', () => post('/v1/api-keys', { body: { name: 'anonymous' } })),
      403: when('an API key is sent', (f) => post('/v1/api-keys', { ...byApiKey(f), body: { name: 'successor' } })),
      413: when('the body is over the limit', (f) => post('/v1/api-keys', { token: f.alice.token, body: OVERSIZED })),
    },
    unreachable: { 503: CALLS_NO_SERVICE, 504: CALLS_NO_SERVICE },
  },
  listApiKeys: {
    answers: {
      200: when('a signed-in user asks', (f) => get('/v1/api-keys', { token: f.alice.token })),
      304: when('the client holds the current list', (f) => get('/v1/api-keys', { token: f.alice.token, headers: ANY_COPY })),
      401: when('no access token is sent', () => get('/v1/api-keys')),
      403: when('an API key is sent', (f) => get('/v1/api-keys', byApiKey(f))),
    },
    unreachable: { 503: CALLS_NO_SERVICE, 504: CALLS_NO_SERVICE },
  },
  getApiKey: {
    answers: {
      200: when('its owner asks', (f) => get(`/v1/api-keys/${f.apiKeys.inUse.id}`, { token: f.alice.token })),
      304: when('the client holds the current copy', (f) =>
        get(`/v1/api-keys/${f.apiKeys.inUse.id}`, { token: f.alice.token, headers: ANY_COPY }),
      ),
      400: when('the id is not a UUID', (f) => get('/v1/api-keys/not-a-uuid', { token: f.alice.token })),
      401: when('no access token is sent', (f) => get(`/v1/api-keys/${f.apiKeys.inUse.id}`)),
      403: when('an API key is sent', (f) => get(`/v1/api-keys/${f.apiKeys.inUse.id}`, byApiKey(f))),
      404: when('the key is someone else’s', (f) => get(`/v1/api-keys/${f.apiKeys.inUse.id}`, { token: f.bob.token })),
    },
    unreachable: { 503: CALLS_NO_SERVICE, 504: CALLS_NO_SERVICE },
  },
  revokeApiKey: {
    answers: {
      200: when('its owner revokes it', (f) => post(`/v1/api-keys/${f.apiKeys.spare.id}:revoke`, { token: f.alice.token })),
      400: when('the id is not a UUID', (f) => post('/v1/api-keys/not-a-uuid:revoke', { token: f.alice.token })),
      401: when('no access token is sent', (f) => post(`/v1/api-keys/${f.apiKeys.spare.id}:revoke`)),
      403: when('an API key is sent', (f) => post(`/v1/api-keys/${f.apiKeys.spare.id}:revoke`, byApiKey(f))),
      404: when('no key has the id', (f) => post(`/v1/api-keys/${UNKNOWN_ID}:revoke`, { token: f.alice.token })),
    },
    unreachable: { 503: CALLS_NO_SERVICE, 504: CALLS_NO_SERVICE },
  },
};
