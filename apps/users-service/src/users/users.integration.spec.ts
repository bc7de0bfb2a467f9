import type { UsersServiceClient } from '@triad/contracts/users/v1';
import type { RunningService } from '@triad/platform';
import { bearer, call, failure } from '@triad/testing';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UsersDatabase } from '../db/database.js';
import { users as usersTable } from '../db/schema.js';
import { startTestUsersService, type TestUsersService } from '../testing/users-service.harness.js';

let harness: TestUsersService;
let service: RunningService;
let users: UsersServiceClient;
let db: UsersDatabase;
let httpUrl: string;

beforeAll(async () => {
  harness = await startTestUsersService(inject('postgresUrl'));
  ({ service, users, db } = harness);
  httpUrl = service.httpUrl;
});

afterAll(() => harness?.close());

const signIn = async (email: string, password: string) => bearer((await call(users.authenticate({ email, password }))).accessToken);
const countUsers = async () => (await db.select({ n: count() }).from(usersTable))[0]?.n;

describe('users-service over gRPC', () => {
  it('seeds the demo accounts into an empty database', async () => {
    const admin = await call(users.authenticate({ email: 'admin@triad.dev', password: 'admin-password' }));
    expect(admin.user).toMatchObject({ email: 'admin@triad.dev', role: 'USER_ROLE_ADMIN' });
    expect(admin.tokenType).toBe('Bearer');
  });

  it('creates a customer, stores only a scrypt hash of the password, and lets them sign in', async () => {
    const { user } = await call(
      users.createUser({
        email: 'Grace@Example.com',
        name: 'Grace Hopper',
        password: 'cobol-1959',
        role: 'USER_ROLE_UNSPECIFIED' as never,
      }),
    );
    expect(user).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper', role: 'USER_ROLE_CUSTOMER' });
    const [stored] = await db
      .select({ passwordHash: usersTable.passwordHash })
      .from(usersTable)
      .where(eq(usersTable.email, 'grace@example.com'));
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain('cobol-1959');

    const signedIn = await call(users.authenticate({ email: 'GRACE@example.com', password: 'cobol-1959' }));
    expect(signedIn.user?.id).toBe(user?.id);
  });

  it('refuses a second account for the same email, whatever its case, and stores nothing', async () => {
    const before = await countUsers();
    const error = await failure(
      users.createUser({ email: 'ALICE@triad.dev', name: 'Imposter', password: 'long-enough', role: 'USER_ROLE_CUSTOMER' as never }),
    );
    expect(error).toMatchObject({ kind: 'ALREADY_EXISTS', code: 'USERS.EMAIL_TAKEN' });
    expect(await countUsers()).toBe(before);
  });

  it('lists every invalid field of a new account and stores nothing', async () => {
    const before = await countUsers();
    const error = await failure(
      users.createUser({ email: 'not-an-email', name: ' ', password: 'short', role: 'USER_ROLE_CUSTOMER' as never }),
    );
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'USERS.INVALID_INPUT' });
    expect(error.fieldViolations.map((violation) => violation.field)).toEqual(['email', 'name', 'password']);
    expect(await countUsers()).toBe(before);
  });

  it('lets only an admin create an admin', async () => {
    const asCustomer = await failure(
      users.createUser(
        { email: 'mallory@example.com', name: 'Mallory', password: 'long-enough', role: 'USER_ROLE_ADMIN' as never },
        await signIn('bob@triad.dev', 'bob-password'),
      ),
    );
    expect(asCustomer).toMatchObject({ kind: 'PERMISSION_DENIED' });
    const { user } = await call(
      users.createUser(
        { email: 'root@example.com', name: 'Root', password: 'long-enough', role: 'USER_ROLE_ADMIN' as never },
        await signIn('admin@triad.dev', 'admin-password'),
      ),
    );
    expect(user?.role).toBe('USER_ROLE_ADMIN');
  });

  it('answers a wrong password and an unknown email with the same error', async () => {
    const wrongPassword = await failure(users.authenticate({ email: 'alice@triad.dev', password: 'nope-nope' }));
    const unknownEmail = await failure(users.authenticate({ email: 'nobody@triad.dev', password: 'nope-nope' }));
    expect(wrongPassword).toMatchObject({ kind: 'UNAUTHENTICATED', code: 'USERS.INVALID_CREDENTIALS' });
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it('shows an email only to its owner and to admins', async () => {
    const alice = await call(users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }));
    const aliceId = alice.user!.id;
    const asAlice = await call(users.getUser({ id: aliceId }, bearer(alice.accessToken)));
    const asBob = await call(users.getUser({ id: aliceId }, await signIn('bob@triad.dev', 'bob-password')));
    const asAdmin = await call(users.getUser({ id: aliceId }, await signIn('admin@triad.dev', 'admin-password')));
    expect(asAlice.user?.email).toBe('alice@triad.dev');
    expect(asBob.user).not.toHaveProperty('email');
    expect(asBob.user?.name).toBe('Alice Customer');
    expect(asAdmin.user?.email).toBe('alice@triad.dev');
  });

  it('tells a missing user, a malformed id and a missing token apart', async () => {
    const auth = await signIn('bob@triad.dev', 'bob-password');
    expect(await failure(users.getUser({ id: '01900000-0000-7000-8000-000000000000' }, auth))).toMatchObject({
      kind: 'NOT_FOUND',
      code: 'USERS.NOT_FOUND',
    });
    expect(await failure(users.getUser({ id: 'x' }, auth))).toMatchObject({ kind: 'INVALID_ARGUMENT', fieldViolations: [{ field: 'id' }] });
    expect(await failure(users.getUser({ id: 'x' }))).toMatchObject({ kind: 'UNAUTHENTICATED' });
    expect(await failure(users.getUser({ id: 'x' }, bearer('forged.token.value')))).toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('batch-gets users in request order and leaves out unknown ids', async () => {
    const auth = await signIn('admin@triad.dev', 'admin-password');
    const alice = (await call(users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }))).user!;
    const bob = (await call(users.authenticate({ email: 'bob@triad.dev', password: 'bob-password' }))).user!;
    const unknown = '01900000-0000-7000-8000-000000000000';
    const { users: found } = await call(users.batchGetUsers({ ids: [bob.id, unknown, alice.id, bob.id] }, auth));
    expect(found.map((user) => user.name)).toEqual(['Bob Customer', 'Alice Customer', 'Bob Customer']);
  });

  it('pages through all users for an admin, each exactly once', async () => {
    const auth = await signIn('admin@triad.dev', 'admin-password');
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await call(users.listUsers({ pageSize: 2, pageToken }, auth));
      expect(page.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.users.map((user) => user.email ?? '?'));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).toHaveLength(await countUsers());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('carol@triad.dev');
  });

  it('refuses listing to customers and page sizes beyond the limit', async () => {
    expect(await failure(users.listUsers({ pageSize: 10, pageToken: '' }, await signIn('bob@triad.dev', 'bob-password')))).toMatchObject({
      kind: 'PERMISSION_DENIED',
    });
    const admin = await signIn('admin@triad.dev', 'admin-password');
    expect(await failure(users.listUsers({ pageSize: 101, pageToken: '' }, admin))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'page_size' }],
    });
    expect(await failure(users.listUsers({ pageSize: 10, pageToken: 'garbage' }, admin))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      fieldViolations: [{ field: 'page_token' }],
    });
  });
});

describe('users-service subgraph over HTTP', () => {
  const graphql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const response = await fetch(`${httpUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions: Record<string, unknown> }[] };
  };

  it('signs a new user up and tells them who they are', async () => {
    const signUp = await graphql('mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id email role } } }', {
      input: { email: 'linus@example.com', name: 'Linus', password: 'penguins-rule' },
    });
    expect(signUp.data?.['signUp'].user).toMatchObject({ email: 'linus@example.com', role: 'CUSTOMER' });
    const me = await graphql('{ me { id email name } }', {}, signUp.data?.['signUp'].accessToken);
    expect(me.data?.['me']).toEqual({ id: signUp.data?.['signUp'].user.id, email: 'linus@example.com', name: 'Linus' });
  });

  it('returns null for me when anonymous and UNAUTHENTICATED for a bad token', async () => {
    expect((await graphql('{ me { id } }')).data?.['me']).toBeNull();
    const bad = await graphql('{ me { id } }', {}, 'forged.token.value');
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("hides other users' emails field by field", async () => {
    const bob = await graphql('mutation { login(email: "bob@triad.dev", password: "bob-password") { accessToken } }');
    const alice = await graphql('mutation { login(email: "alice@triad.dev", password: "alice-password") { user { id } } }');
    const seen = await graphql(
      'query ($id: ID!) { user(id: $id) { name email } }',
      { id: alice.data?.['login'].user.id },
      bob.data?.['login'].accessToken,
    );
    expect(seen.data?.['user']).toEqual({ name: 'Alice Customer', email: null });
  });

  it('reports bad sign-up input with the fields and a client error code', async () => {
    const result = await graphql('mutation { signUp(input: { email: "nope", name: "N", password: "x" }) { accessToken } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errorCode: 'USERS.INVALID_INPUT',
      fieldViolations: [{ field: 'email' }, { field: 'password' }],
    });
  });

  it('resolves User references from other subgraphs, and null for unknown ids', async () => {
    const admin = await graphql('mutation { login(email: "admin@triad.dev", password: "admin-password") { accessToken } }');
    const alice = await graphql('mutation { login(email: "alice@triad.dev", password: "alice-password") { user { id } } }');
    const result = await graphql(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id name } } }',
      {
        representations: [
          { __typename: 'User', id: alice.data?.['login'].user.id },
          { __typename: 'User', id: '01900000-0000-7000-8000-000000000000' },
        ],
      },
      admin.data?.['login'].accessToken,
    );
    expect(result.data?.['_entities']).toEqual([{ id: alice.data?.['login'].user.id, name: 'Alice Customer' }, null]);
  });

  it('reports readiness from the database', async () => {
    expect((await fetch(`${httpUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${httpUrl}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});
