import type { UsersServiceClient } from '@triad/contracts/users/v1';
import { call, failure, startTestValkey } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestUsersService, type TestUsersService } from '../testing/users-service.harness.js';

// Replicas of users-service behind one Service: a password guesser must not get the allowance once per replica.
const valkeyUrl = inject('valkeyUrl');
if (!valkeyUrl) process.stderr.write('shared sign-in throttle: not run here, no Valkey server (no Docker engine, no TEST_VALKEY_URL)\n');

describe.skipIf(!valkeyUrl)('the sign-in throttle with VALKEY_URL: one count across replicas', () => {
  const replicas: TestUsersService[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      replicas.push(await startTestUsersService(inject('postgresUrl'), { SIGN_IN_FAILURES_PER_ACCOUNT: '3', VALKEY_URL: valkeyUrl }));
    }
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
  });

  const guess = (users: UsersServiceClient, attempt: number) =>
    failure(users.authenticate({ email: 'shared-target@example.com', password: `wrong-guess-${attempt}` }));

  it('makes an account wait on every replica once its failures, spread over them, reach the limit', async () => {
    const [first, second] = replicas.map((replica) => replica.users);
    expect((await guess(first!, 1)).code).toBe('USERS.INVALID_CREDENTIALS');
    expect((await guess(second!, 2)).code).toBe('USERS.INVALID_CREDENTIALS');
    expect((await guess(first!, 3)).code).toBe('USERS.INVALID_CREDENTIALS');

    for (const users of [first!, second!]) {
      const refused = await guess(users, 4);
      expect(refused.kind).toBe('RESOURCE_EXHAUSTED');
      expect(refused.code).toBe('AUTH.TOO_MANY_SIGN_IN_ATTEMPTS');
    }
  });

  it('refuses sign-ins with a 503 while it cannot count them, rather than letting guesses through uncounted', async () => {
    const own = await startTestValkey();
    const replica = await startTestUsersService(inject('postgresUrl'), { SIGN_IN_FAILURES_PER_ACCOUNT: '3', VALKEY_URL: own.url! });
    try {
      await own.stop();
      for (let attempt = 0; attempt < 5; attempt++) {
        const refused = await failure(replica.users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }));
        expect(refused.kind).toBe('UNAVAILABLE');
        expect(refused.code).toBe('AUTH.SIGN_IN_UNAVAILABLE');
      }
    } finally {
      await replica.close();
    }
    // The same account signs in on a replica whose Valkey answers.
    const signedIn = await call(replicas[0]!.users.authenticate({ email: 'alice@triad.dev', password: 'alice-password' }));
    expect(signedIn.accessToken).toBeTruthy();
  });
});
