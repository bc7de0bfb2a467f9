import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi, type Upstream } from '../testing/rest-api.harness.js';

describe('health', () => {
  let api: TestRestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestRestApi();
    token = await api.tokenFor(api.users.add({ email: 'alice@triad.dev', name: 'Alice', password: 'alice-password', role: 'customer' }));
  });
  afterAll(() => api?.close());

  it('is ready while users-, catalog- and orders-service report SERVING', async () => {
    expect(await api.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it.each<Upstream>(['users', 'catalog', 'orders'])('is not ready while %s-service is draining, yet still alive', async (upstream) => {
    api.health[upstream].setServing(false);
    try {
      expect(await api.call('GET', '/readyz')).toMatchObject({ status: 503, body: { status: 'unavailable' } });
      expect((await api.call('GET', '/healthz')).status).toBe(200);
    } finally {
      api.health[upstream].setServing(true);
    }
  });

  describe('when catalog-service and users-service are down', () => {
    beforeAll(() => Promise.all([api.stopUpstream('catalog'), api.stopUpstream('users')]));

    it('is not ready', async () => {
      expect((await api.call('GET', '/readyz')).status).toBe(503);
    });

    it('answers calls with a 503 problem that names the service and says to retry', async () => {
      const products = await api.call<ProblemDocument>('GET', '/v1/products');
      const me = await api.call<ProblemDocument>('GET', '/v1/users/me', { token });

      expect(products.status).toBe(503);
      expect(products.body).toMatchObject({
        type: 'https://triad.dev/problems/unavailable',
        code: 'UPSTREAM.UNAVAILABLE',
        detail: 'catalog-service is unavailable; try again shortly.',
      });
      expect(me.status).toBe(503);
      expect(me.body.detail).toBe('users-service is unavailable; try again shortly.');
    });
  });
});
