import type { ProblemDocument } from '@triad/platform';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRestApiOver, type TestRestApi } from '../testing/rest-api.harness.js';
import { startTestServices, type TestServices } from '../testing/test-services.js';

const LIMIT = 3;

describe('rate limits', () => {
  let services: TestServices;
  let api: TestRestApi;

  beforeAll(async () => {
    services = await startTestServices(['catalog-service']);
  });
  afterAll(() => services?.close());
  // A new API for each test, in front of the same services: each starts with every client's full allowance.
  beforeEach(async () => {
    api = await startRestApiOver(services, { RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterEach(() => api?.close());

  const spendAllowance = async (headers: Record<string, string> = {}) => {
    for (let i = 0; i < LIMIT; i++) expect((await api.call('GET', '/v1/products', { headers })).status).toBe(200);
  };

  it('tells a client its limit, what is left and when it resets, on every response', async () => {
    const remaining: (string | null)[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const { headers } = await api.call('GET', '/v1/products');
      expect(headers.get('ratelimit-limit')).toBe(String(LIMIT));
      expect(Number(headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      remaining.push(headers.get('ratelimit-remaining'));
    }

    expect(remaining).toEqual(['2', '1', '0']);
  });

  it('answers a client over its limit with a 429 problem and Retry-After', async () => {
    await spendAllowance();

    const { status, headers, body } = await api.call<ProblemDocument>('GET', '/v1/products');

    expect(status).toBe(429);
    expect(Number(headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(headers.get('ratelimit-remaining')).toBe('0');
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({
      type: 'https://triad.dev/problems/resource-exhausted',
      status: 429,
      code: 'REQUEST.RATE_LIMITED',
      detail: `Too many requests: a client may send 3 a minute. Try again in ${headers.get('retry-after')} seconds.`,
    });
  });

  it('counts requests for unknown paths and unsupported methods too', async () => {
    await api.call('GET', '/v1/nothing-here');
    await api.call('DELETE', '/v1/products');
    await api.call('GET', '/v1/products');

    expect((await api.call('GET', '/v1/products')).status).toBe(429);
  });

  it('gives each signed-in user an allowance of their own, apart from their address', async () => {
    const alice = services.accounts.alice.token;
    const bob = services.accounts.bob.token;
    await spendAllowance();
    await spendAllowance({ authorization: `Bearer ${alice}` });

    expect((await api.call('GET', '/v1/products', { token: alice })).status).toBe(429);
    expect((await api.call('GET', '/v1/products', { token: bob })).status).toBe(200);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    await spendAllowance({ 'x-forwarded-for': '198.51.100.1' });

    expect((await api.call('GET', '/v1/products', { headers: { 'x-forwarded-for': '198.51.100.2' } })).status).toBe(429);
  });

  it('counts each client behind a trusted proxy (TRUSTED_PROXIES) by the address the proxy forwards', async () => {
    // The test's requests come from the loopback address, which plays the Ingress controller here.
    const behindProxy = await api.startAnother({ TRUSTED_PROXIES: '127.0.0.1,::1' });
    try {
      const from = (client: string, spoofed?: string) => ({
        headers: { 'x-forwarded-for': spoofed ? `${spoofed}, ${client}` : client },
      });
      for (let i = 0; i < LIMIT; i++) expect((await behindProxy.call('GET', '/v1/products', from('198.51.100.1'))).status).toBe(200);

      expect((await behindProxy.call('GET', '/v1/products', from('198.51.100.1'))).status).toBe(429);
      // An address the client puts in front of its own does not give it a new allowance.
      expect((await behindProxy.call('GET', '/v1/products', from('198.51.100.1', '192.0.2.77'))).status).toBe(429);
      expect((await behindProxy.call('GET', '/v1/products', from('198.51.100.2'))).status).toBe(200);
    } finally {
      await behindProxy.close();
    }
  });

  it('counts a token that does not verify against the address, like no token', async () => {
    await spendAllowance();

    expect((await api.call('GET', '/v1/products', { token: 'forged.token.value' })).status).toBe(429);
  });

  it('gives each API key an allowance of its own', async () => {
    const { alice } = services.accounts;
    // Created with Alice's token, which spends her allowance, not the keys'.
    const [one, two] = [await api.apiKeyFor(alice, 'one'), await api.apiKeyFor(alice, 'two')];
    await spendAllowance({ 'x-api-key': one.secret });

    expect((await api.call('GET', '/v1/products', { headers: { 'x-api-key': one.secret } })).status).toBe(429);
    expect((await api.call('GET', '/v1/products', { headers: { 'x-api-key': two.secret } })).status).toBe(200);
    expect((await api.call('GET', '/v1/products')).status).toBe(200);
  });

  it('limits a made-up key before looking it up', async () => {
    const madeUp = { 'x-api-key': `triad_0000abcd_${'A'.repeat(43)}` };
    for (let i = 0; i < LIMIT; i++) expect((await api.call('GET', '/v1/products', { headers: madeUp })).status).toBe(401);

    expect((await api.call('GET', '/v1/products', { headers: madeUp })).status).toBe(429);
  });

  it('never limits the subgraph, which the gateway calls for all its users', async () => {
    await spendAllowance();

    for (let i = 0; i <= LIMIT; i++) {
      const { status, headers } = await api.call('POST', '/graphql', { body: { query: '{ __typename }' } });
      expect(status).toBe(200);
      expect(headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('never limits the probes or the API description', async () => {
    await spendAllowance();
    // This spec runs no orders-service, so /readyz truthfully says 503: what matters is that none says 429.
    const answers = { '/healthz': 200, '/readyz': 503, '/openapi.json': 200, '/docs': 200, '/docs/swagger-ui-bundle.js': 200 };

    for (const [path, expected] of Object.entries(answers)) {
      for (let i = 0; i <= LIMIT; i++) {
        const { status, headers } = await api.call('GET', path);
        expect(status, path).toBe(expected);
        expect(headers.get('ratelimit-limit'), path).toBeNull();
      }
    }
  });
});
