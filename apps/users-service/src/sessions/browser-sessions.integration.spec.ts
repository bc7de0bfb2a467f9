import { Metadata } from '@grpc/grpc-js';
import { UserRole, type SessionsServiceClient, type UsersServiceClient } from '@triad/contracts/users/v1';
import {
  CLIENT_ADDRESS_HEADER,
  fromTimestamp,
  SERVICE_SCOPES,
  SERVICE_TOKEN_METADATA_KEY,
  serviceAudience,
  ServiceCredentials,
  type RunningService,
} from '@triad/platform';
import { bearer, call, failure } from '@triad/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { UsersDatabase } from '../db/database.js';
import { browserSessions, users as usersTable } from '../db/schema.js';
import { startTestUsersService, type TestUsersService } from '../testing/users-service.harness.js';

let harness: TestUsersService;
let service: RunningService;
let sessions: SessionsServiceClient;
let users: UsersServiceClient;
let db: UsersDatabase;
/** The gateway's own token, as it holds it: the only caller granted `users:sessions`. */
let gatewayToken: string;
/** The REST edge's token: a service, but not one granted sessions. */
let edgeToken: string;
const GATEWAY_SECRET = 'graphql-gateway-test-client-secret-0123456789';
const EDGE_SECRET = 'rest-api-test-client-secret-0123456789abcdef';

beforeAll(async () => {
  harness = await startTestUsersService(inject('postgresUrl'), {
    GRAPHQL_GATEWAY_CLIENT_SECRET: GATEWAY_SECRET,
    REST_API_CLIENT_SECRET: EDGE_SECRET,
  });
  ({ service, sessions, users, db } = harness);
  const audience = serviceAudience('users-service');
  const gateway = new ServiceCredentials({ clientId: 'graphql-gateway', clientSecret: GATEWAY_SECRET, authServerUrl: service.httpUrl });
  gatewayToken = await gateway.tokenFor(audience, [SERVICE_SCOPES.forwardClient, SERVICE_SCOPES.usersSessions]);
  const edge = new ServiceCredentials({ clientId: 'rest-api', clientSecret: EDGE_SECRET, authServerUrl: service.httpUrl });
  edgeToken = await edge.tokenFor(audience, [SERVICE_SCOPES.forwardClient]);
});

afterAll(() => harness?.close());

/** Metadata as the gateway sends it, for a browser at `address`. */
function asGateway(address = '10.7.0.1', token = gatewayToken): Metadata {
  const metadata = new Metadata();
  metadata.set(SERVICE_TOKEN_METADATA_KEY, `Bearer ${token}`);
  metadata.set(CLIENT_ADDRESS_HEADER, address);
  return metadata;
}

const start = (email = 'alice@triad.dev', password = 'alice-password') => call(sessions.startSession({ email, password }, asGateway()));
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('browser sessions', () => {
  it('starts a session on the right password, storing only a hash of its secret', async () => {
    const session = await start();
    expect(session.sessionSecret).toMatch(/^triad_ss_[A-Za-z0-9_-]{43}$/);
    expect(session.user).toMatchObject({ email: 'alice@triad.dev', name: 'Alice Customer' });
    const hoursLeft = (fromTimestamp(session.expireTime)!.getTime() - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(11.9);
    expect(hoursLeft).toBeLessThanOrEqual(12);

    const rows = await db.select().from(browserSessions);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(session.sessionSecret);
  });

  it('refuses a wrong password without starting a session', async () => {
    const before = (await db.select().from(browserSessions)).length;
    expect(await failure(sessions.startSession({ email: 'alice@triad.dev', password: 'wrong' }, asGateway('10.7.0.2')))).toMatchObject({
      kind: 'UNAUTHENTICATED',
      code: 'USERS.INVALID_CREDENTIALS',
    });
    expect(await db.select().from(browserSessions)).toHaveLength(before);
  });

  it('resumes a live session as a short-lived token for its user, which the services accept', async () => {
    const session = await start();
    const resumed = await call(sessions.resumeSession({ sessionSecret: session.sessionSecret }, asGateway()));
    expect(resumed.user?.id).toBe(session.user?.id);
    const seconds = (fromTimestamp(resumed.accessTokenExpireTime)!.getTime() - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(200);
    expect(seconds).toBeLessThanOrEqual(300);
    const me = await call(users.getUser({ id: session.user!.id }, bearer(resumed.accessToken)));
    expect(me.user?.email).toBe('alice@triad.dev');
  });

  it('gives each resumed token the role the user holds now', async () => {
    const session = await start('bob@triad.dev', 'bob-password');
    expect(claimsOf((await call(sessions.resumeSession({ sessionSecret: session.sessionSecret }, asGateway()))).accessToken)).toMatchObject(
      {
        role: 'customer',
      },
    );
    await db.update(usersTable).set({ role: 'admin' }).where(eq(usersTable.id, session.user!.id));
    try {
      const resumed = await call(sessions.resumeSession({ sessionSecret: session.sessionSecret }, asGateway()));
      expect(claimsOf(resumed.accessToken)).toMatchObject({ role: 'admin' });
    } finally {
      await db.update(usersTable).set({ role: 'customer' }).where(eq(usersTable.id, session.user!.id));
    }
  });

  it('ends a session at once, and ending it again is no error', async () => {
    const session = await start();
    await call(sessions.endSession({ sessionSecret: session.sessionSecret }, asGateway()));
    expect(await failure(sessions.resumeSession({ sessionSecret: session.sessionSecret }, asGateway()))).toMatchObject({
      kind: 'UNAUTHENTICATED',
    });
    await call(sessions.endSession({ sessionSecret: session.sessionSecret }, asGateway()));
  });

  it('does not resume an expired session, or one whose account is gone', async () => {
    const expired = await start();
    await db
      .update(browserSessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(browserSessions.userId, expired.user!.id));
    expect(await failure(sessions.resumeSession({ sessionSecret: expired.sessionSecret }, asGateway()))).toMatchObject({
      kind: 'UNAUTHENTICATED',
    });

    const created = await call(
      users.createUser(
        { email: 'short-lived@triad.dev', name: 'Short Lived', password: 'a long enough password', role: UserRole.USER_ROLE_CUSTOMER },
        asGateway('10.7.0.3'),
      ),
    );
    const session = await start('short-lived@triad.dev', 'a long enough password');
    await db.delete(usersTable).where(eq(usersTable.id, created.user!.id));
    expect(await failure(sessions.resumeSession({ sessionSecret: session.sessionSecret }, asGateway()))).toMatchObject({
      kind: 'UNAUTHENTICATED',
    });
  });

  it.each([
    ['empty', ''],
    ['a NUL byte', `triad_ss_${'a'.repeat(42)}\0`],
    ['100 KB', 'a'.repeat(100_000)],
    ['a well-formed secret nobody holds', `triad_ss_${'A'.repeat(43)}`],
  ])('answers UNAUTHENTICATED to a secret that is %s', async (_name, sessionSecret) => {
    expect(await failure(sessions.resumeSession({ sessionSecret }, asGateway()))).toMatchObject({ kind: 'UNAUTHENTICATED' });
  });

  it('is for the gateway alone: no service token, or one without the scope, is refused', async () => {
    const session = await start();
    const anonymous = await failure(sessions.resumeSession({ sessionSecret: session.sessionSecret }));
    expect(anonymous.kind).toMatch(/UNAUTHENTICATED|PERMISSION_DENIED/);
    expect(await failure(sessions.resumeSession({ sessionSecret: session.sessionSecret }, asGateway('10.7.0.1', edgeToken)))).toMatchObject(
      {
        kind: 'PERMISSION_DENIED',
      },
    );
    const userToken = (await call(users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }, asGateway('10.7.0.4'))))
      .accessToken;
    expect(
      (await failure(sessions.startSession({ email: 'alice@triad.dev', password: 'alice-password' }, bearer(userToken)))).kind,
    ).toMatch(/UNAUTHENTICATED|PERMISSION_DENIED/);
  });
});
