import { randomUUID } from 'node:crypto';
import { ANY_COPY, get, OVERSIZED, post, UNKNOWN_API_KEY, UNKNOWN_ID, when, type OperationContract } from './operation-contract.js';

/** Signing in and `/v1/users`, over users-service. */
export const USERS_CONTRACTS: Record<string, OperationContract> = {
  createAccessToken: {
    answers: {
      200: when('the email and password are right', (f) =>
        post('/v1/auth/token', { body: { email: f.alice.email, password: f.alice.password } }),
      ),
      400: when('a field is missing', (f) => post('/v1/auth/token', { body: { email: f.alice.email } })),
      401: when('the password is wrong', (f) => post('/v1/auth/token', { body: { email: f.alice.email, password: 'not-hers' } })),
      413: when('the body is over the limit', () => post('/v1/auth/token', { body: OVERSIZED })),
    },
  },
  createUser: {
    answers: {
      201: when('the email is new', () =>
        post('/v1/users', { body: { email: `${randomUUID()}@triad.dev`, name: 'Newcomer', password: 'newcomer-password' } }),
      ),
      400: when('the password is too short', () => post('/v1/users', { body: { email: 'eve@triad.dev', name: 'Eve', password: 'short' } })),
      401: when('the API key is not valid', () =>
        post('/v1/users', { headers: UNKNOWN_API_KEY, body: { email: 'eve@triad.dev', name: 'Eve', password: 'eve-password' } }),
      ),
      409: when('the email has an account', (f) =>
        post('/v1/users', { body: { email: f.bob.email, name: 'Bob', password: 'bob-password' } }),
      ),
      413: when('the body is over the limit', () => post('/v1/users', { body: OVERSIZED })),
    },
  },
  listUsers: {
    answers: {
      200: when('an admin asks', (f) => get('/v1/users?page_size=1', { token: f.admin.token })),
      304: when('the client holds the current page', (f) => get('/v1/users?page_size=1', { token: f.admin.token, headers: ANY_COPY })),
      400: when('page_size is out of range', (f) => get('/v1/users?page_size=0', { token: f.admin.token })),
      401: when('no access token is sent', () => get('/v1/users')),
      403: when('a customer asks', (f) => get('/v1/users', { token: f.alice.token })),
    },
  },
  getCurrentUser: {
    answers: {
      200: [
        when('a user is signed in', (f) => get('/v1/users/me', { token: f.alice.token })),
        when('an API key is sent', (f) => get('/v1/users/me', { headers: { 'x-api-key': f.apiKeys.inUse.secret } })),
      ],
      304: when('the client holds the current copy', (f) => get('/v1/users/me', { token: f.alice.token, headers: ANY_COPY })),
      401: [
        when('no access token is sent', () => get('/v1/users/me')),
        when('the API key was never issued', () => get('/v1/users/me', { headers: UNKNOWN_API_KEY })),
        when('the API key was revoked', (f) => get('/v1/users/me', { headers: { 'x-api-key': f.apiKeys.revoked.secret } })),
      ],
    },
  },
  getUser: {
    answers: {
      200: when('the user exists', (f) => get(`/v1/users/${f.bob.id}`, { token: f.alice.token })),
      304: when('the client holds the current copy', (f) => get(`/v1/users/${f.bob.id}`, { token: f.alice.token, headers: ANY_COPY })),
      400: when('the id is not a UUID', (f) => get('/v1/users/not-a-uuid', { token: f.alice.token })),
      401: when('no access token is sent', (f) => get(`/v1/users/${f.bob.id}`)),
      404: when('no user has the id', (f) => get(`/v1/users/${UNKNOWN_ID}`, { token: f.alice.token })),
    },
  },
};
