import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRestApiConfig } from '../rest-api.config.js';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

const SHOP = 'https://shop.example.com';

describe('the HTTP edge', () => {
  let api: TestRestApi;

  beforeAll(async () => {
    api = await startTestRestApi({
      services: ['users-service', 'catalog-service'],
      env: { CORS_ORIGINS: `${SHOP}, http://localhost:5173`, REST_BODY_LIMIT_BYTES: '2048' },
    });
  });
  afterAll(() => api?.close());

  describe('security headers', () => {
    it("are on every response, errors included: a JSON API's set, which lets nothing run or frame it", async () => {
      for (const path of ['/v1/products', '/v1/nothing-here']) {
        const { headers } = await api.call('GET', path);
        expect(headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(headers.get('strict-transport-security'), path).toMatch(/^max-age=\d+/);
        expect(headers.get('content-security-policy'), path).toBe("frame-ancestors 'none'");
        // Headers for HTML documents stay off JSON answers.
        for (const name of ['x-frame-options', 'x-dns-prefetch-control', 'referrer-policy', 'cross-origin-resource-policy']) {
          expect(headers.get(name), `${path} ${name}`).toBeNull();
        }
      }
    });

    it('keep a public product read within 600 bytes of headers, traceparent included, and no CORS headers without an Origin', async () => {
      const product = await api.services.addProduct({ sku: 'LAMP-1', name: 'Desk lamp', amountMinor: 4500, stockOnHand: 3 });
      const response = await fetch(`${api.url}/v1/products/${product.id}`);
      await response.arrayBuffer();
      // The edge adds `traceparent` (70 bytes as a header line) where telemetry runs, which this harness leaves out.
      expect(response.headers.get('traceparent')).toBeNull();
      let bytes = 'HTTP/1.1 200 OK\r\n\r\n'.length + 'traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n'.length;
      for (const [name, value] of response.headers) bytes += `${name}: ${value}\r\n`.length;

      expect(response.status).toBe(200);
      expect(bytes).toBeLessThanOrEqual(600);
      expect(response.headers.get('access-control-expose-headers')).toBeNull();
      expect(response.headers.get('vary')).toContain('Origin');
    });

    it('let Swagger UI at /docs load its scripts and styles, all served from here', async () => {
      const { headers, body } = await api.call<string>('GET', '/docs');
      const policy = headers.get('content-security-policy')!;
      const scripts = [...body.matchAll(/<script([^>]*)>/g)].map(([, attributes]) => attributes!);

      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      // The router decodes the path: the page under an escaped name gets the same policy.
      const escaped = await api.call('GET', '/%64ocs');
      expect(escaped.headers.get('content-security-policy')).toBe(policy);
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(policy).toContain("script-src 'self'");
      expect(policy).toMatch(/style-src 'self'[^;]* 'unsafe-inline'/);
      expect(policy).not.toContain('upgrade-insecure-requests');
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toMatch(/src="\.\/docs\/[\w.-]+\.js"/);
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      api.call('OPTIONS', '/v1/orders', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, idempotency-key',
        },
      });

    it('lets a configured origin call the API and read the headers clients need', async () => {
      const allowed = await preflight(SHOP);
      const { headers } = await api.call('GET', '/v1/products', { headers: { origin: SHOP } });

      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization, content-type, idempotency-key');
      expect(headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(headers.get('access-control-expose-headers')!.split(', ')).toEqual(
        expect.arrayContaining([
          'ETag',
          'Location',
          'Link',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
          'Retry-After',
          'x-request-id',
        ]),
      );
    });

    it('refuses any other origin: no Access-Control-Allow-Origin, so the browser keeps the response from the page', async () => {
      const refused = await preflight('https://evil.example.com');
      const { headers } = await api.call('GET', '/v1/products', { headers: { origin: 'https://evil.example.com' } });

      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(headers.get('access-control-allow-origin')).toBeNull();
    });

    it('allows no origin unless configured, and says how to write the list when it is wrong', () => {
      expect(loadRestApiConfig({}).CORS_ORIGINS).toEqual([]);
      expect(() => loadRestApiConfig({ CORS_ORIGINS: 'https://shop.example.com/app' })).toThrow(
        /CORS_ORIGINS must be a comma-separated list of origins such as https:\/\/shop\.example\.com/,
      );
    });
  });

  describe('request body limit', () => {
    it('answers a body over REST_BODY_LIMIT_BYTES with a 413 problem that says the limit, and creates nothing', async () => {
      const { status, body } = await api.call<ProblemDocument>('POST', '/v1/users', {
        body: { email: 'bob@example.com', name: 'x'.repeat(3000), password: 'bob-password' },
      });

      expect(status).toBe(413);
      expect(body).toMatchObject({
        status: 413,
        code: 'REQUEST.PAYLOAD_TOO_LARGE',
        detail: 'The request body is larger than the 2048 bytes this operation accepts; send a smaller one.',
        instance: '/v1/users',
      });
      // The email is still free.
      const again = await api.call('POST', '/v1/users', { body: { email: 'bob@example.com', name: 'Bob', password: 'bob-password' } });
      expect(again.status).toBe(201);
    });

    it('accepts a body within the limit', async () => {
      const { status } = await api.call('POST', '/v1/users', {
        body: { email: 'dan@example.com', name: 'D'.repeat(100), password: 'dan-password' },
      });

      expect(status).toBe(201);
    });
  });

  describe('behind an Ingress (TRUSTED_PROXIES)', () => {
    it('answers probes only to callers that reach it directly: one the proxy passed on gets the 404 problem', async () => {
      // The test's requests come from the loopback address, which plays the Ingress controller here.
      const behindProxy = await api.startAnother({ TRUSTED_PROXIES: '127.0.0.1,::1' });
      try {
        expect((await behindProxy.call('GET', '/healthz')).status).toBe(200);

        const fromOutside = { headers: { 'x-forwarded-for': '198.51.100.1' } };
        for (const path of ['/healthz', '/readyz', '/metrics', '/%68ealthz']) {
          const { status, headers, body } = await behindProxy.call<ProblemDocument>('GET', path, fromOutside);
          expect(status, path).toBe(404);
          expect(headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
          expect(body, path).toMatchObject({ status: 404 });
        }
        expect((await behindProxy.call('GET', '/v1/products', fromOutside)).status).toBe(200);
      } finally {
        await behindProxy.close();
      }
    });
  });
});
