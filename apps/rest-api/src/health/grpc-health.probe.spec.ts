import type { ProblemDocument } from '@triad/platform';
import { freePort } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

describe('health', () => {
  let api: TestRestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestRestApi(await freePort());
    token = await api.tokenFor(api.users.add({ email: 'alice@triad.dev', name: 'Alice', password: 'alice-password', role: 'customer' }));
  });
  afterAll(() => api?.close());

  it('is ready while users-service reports SERVING', async () => {
    expect(await api.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('is not ready while users-service is draining, yet still alive', async () => {
    api.usersHealth.setServing(false);
    try {
      expect(await api.call('GET', '/readyz')).toMatchObject({ status: 503, body: { status: 'unavailable' } });
      expect((await api.call('GET', '/healthz')).status).toBe(200);
    } finally {
      api.usersHealth.setServing(true);
    }
  });

  describe('when users-service is down', () => {
    beforeAll(() => api.stopUsersService());

    it('is not ready', async () => {
      expect((await api.call('GET', '/readyz')).status).toBe(503);
    });

    it('answers calls with a 503 problem that says to retry', async () => {
      const { status, body } = await api.call<ProblemDocument>('GET', '/v1/users/me', { token });

      expect(status).toBe(503);
      expect(body).toMatchObject({
        type: 'https://triad.dev/problems/unavailable',
        code: 'UPSTREAM.UNAVAILABLE',
        detail: 'a backend service is unavailable; try again shortly.',
      });
    });
  });
});
