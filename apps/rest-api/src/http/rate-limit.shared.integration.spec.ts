import { startTestValkey, type TestValkey } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestApiOver, type TestRestApi } from '../testing/rest-api.harness.js';
import { startTestServices, type TestServices } from '../testing/test-services.js';

const LIMIT = 3;

// Replicas of the edge behind one load balancer: each client's allowance must hold across all of them.
const valkey: TestValkey = await startTestValkey();
if (!valkey.url) process.stderr.write(`rate limits shared in Valkey: not run here, ${valkey.description}\n`);

describe.skipIf(!valkey.url)('rate limits with VALKEY_URL: one count per client across replicas', () => {
  let services: TestServices;
  const replicas: TestRestApi[] = [];

  beforeAll(async () => {
    services = await startTestServices(['catalog-service']);
    for (let i = 0; i < 2; i++)
      replicas.push(await startRestApiOver(services, { RATE_LIMIT_PER_MINUTE: String(LIMIT), VALKEY_URL: valkey.url! }));
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await services?.close();
    await valkey.stop();
  });

  it('refuses a client on one replica once it spent its allowance on the other', async () => {
    const [first, second] = replicas;
    const token = services.accounts.alice.token;
    for (let i = 0; i < LIMIT; i++) expect((await first!.call('GET', '/v1/products', { token })).status).toBe(200);

    const refused = await second!.call('GET', '/v1/products', { token });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    // Another client's allowance is untouched.
    expect((await second!.call('GET', '/v1/products', { token: services.accounts.bob.token })).status).toBe(200);
  });

  it('lets requests through, uncounted, while Valkey is down, rather than failing them', async () => {
    await valkey.stop();

    // Past the allowance, on both replicas: nothing is counted, nothing refused.
    for (const replica of replicas) {
      for (let i = 0; i <= LIMIT; i++)
        expect((await replica.call('GET', '/v1/products', { token: services.accounts.bob.token })).status).toBe(200);
    }
  });
});
