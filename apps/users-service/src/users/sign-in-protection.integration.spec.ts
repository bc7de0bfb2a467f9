import { Metadata } from '@grpc/grpc-js';
import { UserRole, type UsersServiceClient } from '@triad/contracts/users/v1';
import {
  CLIENT_ADDRESS_HEADER,
  SERVICE_SCOPES,
  SERVICE_TOKEN_METADATA_KEY,
  serviceAudience,
  ServiceCredentials,
  type RunningService,
} from '@triad/platform';
import { call, failure } from '@triad/testing';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UsersDatabase } from '../db/database.js';
import { users as usersTable } from '../db/schema.js';
import { startTestUsersService, type TestUsersService } from '../testing/users-service.harness.js';

let harness: TestUsersService;
let service: RunningService;
let users: UsersServiceClient;
let db: UsersDatabase;
/** The REST edge's own token, with which it vouches for the client addresses it forwards. */
let edgeToken: string;
const EDGE_SECRET = 'rest-api-test-client-secret-0123456789abcdef';

beforeAll(async () => {
  harness = await startTestUsersService(inject('postgresUrl'), {
    SIGN_IN_FAILURES_PER_ACCOUNT: '3',
    SIGN_IN_FAILURES_PER_CLIENT: '6',
    SIGN_UPS_PER_CLIENT: '3',
    REST_API_CLIENT_SECRET: EDGE_SECRET,
  });
  ({ service, users, db } = harness);
  const edge = new ServiceCredentials({ clientId: 'rest-api', clientSecret: EDGE_SECRET, authServerUrl: service.httpUrl });
  edgeToken = await edge.tokenFor(serviceAudience('users-service'), [SERVICE_SCOPES.forwardClient]);
});

afterAll(() => harness?.close());

/** Metadata as an edge sends it for a client at `address`, optionally with that client's own token. */
function from(address: string, token?: string): Metadata {
  const metadata = new Metadata();
  metadata.set(CLIENT_ADDRESS_HEADER, address);
  metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${edgeToken}`);
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

const signIn = (email: string, password: string, address: string, token?: string) =>
  users.authenticate({ email, password }, from(address, token));

/** GraphQL `login` on the subgraph, as the gateway forwards it for a client at `address`. */
async function graphQLLogin(email: string, password: string, address: string) {
  const response = await fetch(`${service.httpUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CLIENT_ADDRESS_HEADER]: address, [SERVICE_TOKEN_METADATA_KEY]: `Bearer ${edgeToken}` },
    body: JSON.stringify({
      query: 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
      variables: { email, password },
    }),
  });
  return (await response.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

const newCustomer = (email: string, password: string, name = 'New Customer') =>
  ({ email, name, password, role: UserRole.USER_ROLE_CUSTOMER }) as const;

describe('sign-in throttling', () => {
  it('makes an account wait after a few wrong passwords, even with the right one, and says how long', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await failure(signIn('bob@triad.dev', 'wrong-password', '10.1.0.1'))).toMatchObject({ code: 'USERS.INVALID_CREDENTIALS' });
    }
    const refused = await failure(signIn('bob@triad.dev', 'bob-password', '10.1.0.2'));
    expect(refused).toMatchObject({ kind: 'RESOURCE_EXHAUSTED', code: 'AUTH.TOO_MANY_SIGN_IN_ATTEMPTS' });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('counts guesses sent all at once before checking any of them', async () => {
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, guess) => failure(signIn('burst@example.com', `burst-guess-${guess}`, `10.1.1.${guess}`))),
    );
    expect(burst.filter((error) => error.code === 'USERS.INVALID_CREDENTIALS')).toHaveLength(3);
    expect(burst.filter((error) => error.kind === 'RESOURCE_EXHAUSTED')).toHaveLength(9);
  });

  it('counts GraphQL login and gRPC Authenticate against the same account, whatever token the caller sends', async () => {
    const { accessToken } = await call(signIn('carol@triad.dev', 'carol-password', '10.2.0.1'));
    await failure(signIn('alice@triad.dev', 'wrong-password', '10.2.0.1', accessToken));
    const viaGraphQL = await graphQLLogin('alice@triad.dev', 'wrong-password', '10.2.0.2');
    expect(viaGraphQL.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', errorCode: 'USERS.INVALID_CREDENTIALS' });
    await failure(signIn('alice@triad.dev', 'wrong-password', '10.2.0.3', accessToken));

    const blocked = await graphQLLogin('alice@triad.dev', 'alice-password', '10.2.0.4');
    expect(blocked.data).toBeNull();
    expect(blocked.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', errorCode: 'AUTH.TOO_MANY_SIGN_IN_ATTEMPTS' });
    expect(blocked.errors?.[0]?.extensions['retryAfter']).toBeGreaterThan(0);
    expect(await failure(signIn('alice@triad.dev', 'alice-password', '10.2.0.5', accessToken))).toMatchObject({
      kind: 'RESOURCE_EXHAUSTED',
    });
  });

  it('answers an unknown email exactly as a known one, throttling included', async () => {
    const replies = async (email: string, address: string) => {
      const seen: string[] = [];
      for (let attempt = 0; attempt < 4; attempt += 1) {
        const error = await failure(signIn(email, 'wrong-password', address));
        seen.push(`${error.kind} ${error.code} ${error.message.replace(/\d+/g, 'N')}`);
      }
      return seen;
    };
    const known = await replies('admin@triad.dev', '10.3.0.1');
    const unknown = await replies('nobody@triad.dev', '10.3.0.2');
    expect(unknown).toEqual(known);
    expect(known.at(-1)).toMatch(/^RESOURCE_EXHAUSTED AUTH.TOO_MANY_SIGN_IN_ATTEMPTS/);
  });

  it('makes a client that guesses across many accounts wait, but not other clients', async () => {
    for (let account = 0; account < 6; account += 1) {
      await failure(signIn(`guess-${account}@example.com`, 'wrong-password', '10.4.0.1'));
    }
    expect(await failure(signIn('grace@example.com', 'any-password', '10.4.0.1'))).toMatchObject({ kind: 'RESOURCE_EXHAUSTED' });
    expect(await failure(signIn('grace@example.com', 'any-password', '10.4.0.2'))).toMatchObject({ code: 'USERS.INVALID_CREDENTIALS' });
  });

  it('ignores a client address forwarded without an edge token: the caller counts as itself', async () => {
    // Each call names a new address, as an attacker rotating it would; without the edge's token, all count as one.
    const spoofed = (address: string) => {
      const metadata = new Metadata();
      metadata.set(CLIENT_ADDRESS_HEADER, address);
      return metadata;
    };
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await failure(
        users.authenticate({ email: `spoof-${attempt}@example.com`, password: 'wrong-password' }, spoofed(`10.8.0.${attempt}`)),
      );
    }
    expect(await failure(users.authenticate({ email: 'spoof-next@example.com', password: 'x' }, spoofed('10.8.1.1')))).toMatchObject({
      kind: 'RESOURCE_EXHAUSTED',
    });
  });

  it('lets a client create only a few accounts an hour', async () => {
    for (let index = 0; index < 3; index += 1) {
      await call(users.createUser(newCustomer(`signup-${index}@example.com`, 'quiet-harbour-lantern'), from('10.5.0.1')));
    }
    const refused = await failure(users.createUser(newCustomer('signup-3@example.com', 'quiet-harbour-lantern'), from('10.5.0.1')));
    expect(refused).toMatchObject({ kind: 'RESOURCE_EXHAUSTED', code: 'AUTH.TOO_MANY_SIGN_UPS' });
    const stored = await db.select({ n: count() }).from(usersTable).where(eq(usersTable.email, 'signup-3@example.com'));
    expect(stored[0]?.n).toBe(0);
  });
});

describe('password policy', () => {
  it.each([
    ['too short', 'Short1!', 'password: must be at least 10 characters'],
    ['a common password', 'password123', 'password: is too easy to guess (This is a commonly used password)'],
    ['a keyboard row', 'qwertyuiop', 'password: is too easy to guess (This is a frequently used password)'],
    ['the email itself', 'policy@example.com', 'password: must not be your email address'],
  ])('refuses %s and says which rule failed', async (_what, password, expected) => {
    const error = await failure(users.createUser(newCustomer('policy@example.com', password), from(`10.6.0.${password.length}`)));
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'USERS.INVALID_INPUT' });
    expect(error.fieldViolations.map((violation) => `${violation.field}: ${violation.description}`)[0]).toContain(expected);
  });
});

describe('hostile input', () => {
  it.each([
    ['a NUL byte in the name', { name: 'Mallory\u0000' }, 'name'],
    ['a NUL byte in the email', { email: 'mallory\u0000@example.com' }, 'email'],
    ['a NUL byte in the password', { password: 'quiet-harbour\u0000lantern' }, 'password'],
    ['a 100 KB name', { name: 'm'.repeat(100_000) }, 'name'],
  ])('refuses %s with INVALID_ARGUMENT naming the field, and stores nothing', async (_what, change, field) => {
    const request = { ...newCustomer('mallory@example.com', 'quiet-harbour-lantern', 'Mallory'), ...change };
    const error = await failure(users.createUser(request, from('10.7.0.1', undefined)));
    expect(error).toMatchObject({ kind: 'INVALID_ARGUMENT' });
    expect(error.fieldViolations.map((violation) => violation.field)).toContain(field);
    expect(error.message.length).toBeLessThan(500);
    const stored = await db.select({ n: count() }).from(usersTable).where(eq(usersTable.name, 'Mallory'));
    expect(stored[0]?.n).toBe(0);
  });

  it('refuses a NUL byte in a sign-in email as invalid input, not a server error', async () => {
    expect(await failure(signIn('alice\u0000@triad.dev', 'alice-password', '10.7.0.2'))).toMatchObject({ kind: 'INVALID_ARGUMENT' });
  });
});
