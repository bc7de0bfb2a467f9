import { Server, ServerCredentials } from '@grpc/grpc-js';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import type { ProblemDocument } from '@triad/platform';
import { HealthImplementation } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi, type Upstream } from '../testing/rest-api.harness.js';
import { GrpcHealthProbe } from './grpc-health.probe.js';

describe('health', () => {
  let api: TestRestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestRestApi();
    token = api.services.accounts.alice.token;
  });
  afterAll(() => api?.close());

  it('is ready while users-, catalog- and orders-service report SERVING', async () => {
    expect(await api.call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await api.call('GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it.each<Upstream>(['users', 'catalog', 'orders'])('is not ready while %s-service is out of reach, yet still alive', async (upstream) => {
    // An instance of its own, which need not wait to reconnect before the next test.
    const cutOff = await api.startAnother();
    try {
      cutOff.upstream[upstream].down();

      expect(await cutOff.call('GET', '/readyz')).toMatchObject({ status: 503, body: { status: 'unavailable' } });
      expect((await cutOff.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await cutOff.close();
    }
  });

  describe('when catalog-service and users-service are down', () => {
    beforeAll(() => {
      api.upstream.catalog.down();
      api.upstream.users.down();
    });

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

// A service that drains before it stops says NOT_SERVING for a moment, too short to catch in a real one; the
// standard health service in that state stands in for it.
describe('GrpcHealthProbe', () => {
  const service = `${TRIAD_CATALOG_V1_PACKAGE_NAME}.${CATALOG_SERVICE_NAME}`;
  const health = new HealthImplementation({ [service]: 'SERVING' });
  const server = new Server();
  let probe: GrpcHealthProbe;

  beforeAll(async () => {
    health.addToServer(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    probe = new GrpcHealthProbe([{ address: `127.0.0.1:${port}`, service }], 2_000);
  });
  afterAll(() => {
    probe?.onApplicationShutdown();
    server.forceShutdown();
  });

  it('fails while a service is draining (NOT_SERVING), and passes once it serves again', async () => {
    health.setStatus(service, 'NOT_SERVING');
    await expect(probe.check()).rejects.toThrow(`${service} is NOT_SERVING`);

    health.setStatus(service, 'SERVING');
    await expect(probe.check()).resolves.toBeUndefined();
  });
});
