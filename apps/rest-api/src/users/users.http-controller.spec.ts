import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';
import type { Account } from '../testing/test-services.js';
import type { UserListResource, UserResource } from './users.dto.js';

describe('/v1/users', () => {
  let api: TestRestApi;
  let admin: Account;
  let alice: Account;
  let adminToken: string;
  let aliceToken: string;

  beforeAll(async () => {
    api = await startTestRestApi({ services: ['users-service'] });
    ({ admin, alice } = api.services.accounts);
    adminToken = admin.token;
    aliceToken = alice.token;
  });
  afterAll(() => api?.close());

  describe('POST /v1/users', () => {
    it('creates a customer and answers 201 with its Location', async () => {
      const { status, headers, body } = await api.call<UserResource>('POST', '/v1/users', {
        body: { email: 'bob@example.com', name: 'Bob', password: 'bob-password' },
      });

      expect(status).toBe(201);
      expect(body).toMatchObject({ email: 'bob@example.com', name: 'Bob', role: 'customer' });
      expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(headers.get('location')).toBe(`/v1/users/${body.id}`);
      const fetched = await api.call<UserResource>('GET', headers.get('location')!, { token: adminToken });
      expect(fetched.body).toEqual(body);
    });

    it('passes on the field violations users-service reports', async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/users', {
        body: { email: 'not-an-email', name: ' ', password: 'short' },
      });

      expect(status).toBe(400);
      expect(body).toMatchObject({
        type: 'https://triad.dev/problems/invalid-argument',
        code: 'USERS.INVALID_INPUT',
        instance: '/v1/users',
      });
      expect(body.errors).toEqual([
        { field: 'email', description: 'must be an email address such as ada@example.com' },
        { field: 'name', description: 'must not be empty' },
        { field: 'password', description: 'must be at least 10 characters' },
      ]);
    });

    it('refuses fields the API does not have, such as a role, and creates nothing', async () => {
      const account = { email: 'eve@example.com', name: 'Eve', password: 'eve-password' };
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/users', { body: { ...account, role: 'admin' } });

      expect(status).toBe(400);
      expect(body.errors).toEqual([{ field: 'role', description: 'is not a field of this request; remove it' }]);
      // The email is still free: the same account without the role is created, as a customer.
      const again = await api.call<UserResource>('POST', '/v1/users', { body: account });
      expect(again).toMatchObject({ status: 201, body: { email: 'eve@example.com', role: 'customer' } });
    });

    it('answers 409 when the email is taken', async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/users', {
        body: { email: 'alice@triad.dev', name: 'Another Alice', password: 'another-password' },
      });

      expect(status).toBe(409);
      expect(body.code).toBe('USERS.EMAIL_TAKEN');
    });
  });

  describe('GET /v1/users/me', () => {
    it('returns the caller, email included', async () => {
      const { status, body } = await api.call<UserResource>('GET', '/v1/users/me', { token: aliceToken });

      expect(status).toBe(200);
      expect(body).toMatchObject({ id: alice.id, email: 'alice@triad.dev', name: alice.name, role: 'customer' });
    });

    it('answers 401 without a token', async () => {
      const { status, headers, body } = await api.call<ProblemDocument>('GET', '/v1/users/me');

      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toBe('Bearer');
      expect(body).toMatchObject({ code: 'AUTH.UNAUTHENTICATED', detail: 'Sign in first: this call needs a valid access token.' });
    });

    it('answers 401 with the reason when the token is not valid', async () => {
      const forged = await api.call<ProblemDocument>('GET', '/v1/users/me', { token: `${aliceToken}x` });
      const malformed = await api.call<ProblemDocument>('GET', '/v1/users/me', { headers: { authorization: 'Basic YWxpY2U6cHc=' } });

      expect(forged.status).toBe(401);
      expect(forged.body.detail).toBe('The access token is not valid: sign in again.');
      expect(malformed.status).toBe(401);
      expect(malformed.body.detail).toBe('The Authorization header must be "Bearer <access token>".');
    });
  });

  describe('GET /v1/users/{id}', () => {
    it("hides another user's email from a customer", async () => {
      const { status, body } = await api.call<UserResource>('GET', `/v1/users/${admin.id}`, { token: aliceToken });

      expect(status).toBe(200);
      expect(body).toEqual({
        id: admin.id,
        name: admin.name,
        role: 'admin',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it("shows an admin every user's email", async () => {
      const { body } = await api.call<UserResource>('GET', `/v1/users/${alice.id}`, { token: adminToken });

      expect(body.email).toBe('alice@triad.dev');
    });

    it('answers 404 with the path as the problem instance for an unknown id', async () => {
      const id = '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10';
      const { status, body } = await api.call<ProblemDocument>('GET', `/v1/users/${id}`, { token: aliceToken });

      expect(status).toBe(404);
      expect(body).toMatchObject({ code: 'USERS.NOT_FOUND', instance: `/v1/users/${id}`, detail: `No user has the id ${id}.` });
    });
  });

  describe('GET /v1/users', () => {
    it('pages through every user for an admin', async () => {
      const seen: string[] = [];
      let path = '/v1/users?page_size=1';
      for (;;) {
        const { status, body } = await api.call<UserListResource>('GET', path, { token: adminToken });
        expect(status).toBe(200);
        expect(body.users).toHaveLength(1);
        seen.push(...body.users.map((user) => user.email!));
        if (body.next_page_token === null) break;
        path = `/v1/users?page_size=1&page_token=${encodeURIComponent(body.next_page_token)}`;
      }

      const onePage = await api.call<UserListResource>('GET', '/v1/users?page_size=100', { token: adminToken });
      expect(seen).toEqual(onePage.body.users.map((user) => user.email));
      expect(seen).toEqual(expect.arrayContaining(['admin@triad.dev', 'alice@triad.dev', 'bob@triad.dev', 'carol@triad.dev']));
    });

    it('answers 403 for a customer', async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', '/v1/users', { token: aliceToken });

      expect(status).toBe(403);
      expect(body).toMatchObject({ code: 'AUTH.PERMISSION_DENIED', detail: 'Only an admin can list users.' });
    });

    it('answers 400 for a page size that is not a number, or too large', async () => {
      const notANumber = await api.call<ProblemDocument>('GET', '/v1/users?page_size=ten', { token: adminToken });
      const tooLarge = await api.call<ProblemDocument>('GET', '/v1/users?page_size=1000', { token: adminToken });

      expect(notANumber.status).toBe(400);
      expect(notANumber.body.errors).toEqual([{ field: 'page_size', description: 'must be a whole number' }]);
      expect(tooLarge.status).toBe(400);
      expect(tooLarge.body.errors).toEqual([{ field: 'page_size', description: 'must be between 1 and 100; leave it out for 20' }]);
    });
  });
});
