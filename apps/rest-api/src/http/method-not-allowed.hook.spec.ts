import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

describe('unsupported methods and unknown paths', () => {
  let api: TestRestApi;

  // The edge alone: it answers these itself, without a service.
  beforeAll(async () => {
    api = await startTestRestApi({ services: [] });
  });
  afterAll(() => api?.close());

  it('answers a method a path does not support with a 405 problem and the methods it does support in Allow', async () => {
    const { status, headers, body } = await api.call<ProblemDocument>('DELETE', '/v1/products?page_size=5');

    expect(status).toBe(405);
    expect(headers.get('allow')).toBe('GET, HEAD, POST');
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toEqual({
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: '/v1/products does not support DELETE; use GET, HEAD, POST.',
      instance: '/v1/products',
      code: 'REQUEST.METHOD_NOT_ALLOWED',
      request_id: headers.get('x-request-id'),
    });
  });

  it.each([
    ['DELETE', '/v1/orders', 'GET, HEAD, POST'],
    ['PUT', '/v1/users', 'GET, HEAD, POST'],
    ['PATCH', '/v1/users/me', 'GET, HEAD'],
    ['GET', '/v1/auth/token', 'POST'],
    ['GET', '/v1/orders/01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10:cancel', 'POST'],
  ])('answers %s %s with 405, allowing %s', async (method, path, allow) => {
    const { status, headers } = await api.call(method, path);

    expect(status).toBe(405);
    expect(headers.get('allow')).toBe(allow);
  });

  it('answers a path that does not exist with a 404 problem, whatever the method', async () => {
    for (const method of ['GET', 'DELETE', 'POST']) {
      const { status, headers, body } = await api.call<ProblemDocument>(method, '/v1/nothing-here');
      expect(status, method).toBe(404);
      expect(headers.get('allow'), method).toBeNull();
      expect(body.code, method).toBe('REQUEST.ROUTE_NOT_FOUND');
    }
  });
});
