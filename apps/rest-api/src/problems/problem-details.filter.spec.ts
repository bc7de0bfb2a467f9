import type { ProblemDocument } from '@triad/platform';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, apiKeyUsage } from '../db/schema.js';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

describe('problem documents', () => {
  let api: TestRestApi;

  // The edge alone: it writes these problem documents itself.
  beforeAll(async () => {
    api = await startTestRestApi({ services: [] });
  });
  afterAll(() => api?.close());

  it('answers an unknown route with a 404 problem that carries the request id', async () => {
    const { status, headers, body } = await api.call<ProblemDocument>('GET', '/v1/nothing-here?x=1', {
      headers: { 'x-request-id': 'trace-me-42' },
    });

    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(headers.get('x-request-id')).toBe('trace-me-42');
    expect(body).toEqual({
      type: 'https://triad.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'No route matches GET /v1/nothing-here; the API is described at /docs.',
      instance: '/v1/nothing-here',
      code: 'REQUEST.ROUTE_NOT_FOUND',
      request_id: 'trace-me-42',
    });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const { status, body } = await api.call<ProblemDocument>('POST', '/v1/users', { body: '{"email": ' });

    expect(status).toBe(400);
    expect(body).toMatchObject({ type: 'https://triad.dev/problems/invalid-argument', code: 'REQUEST.BAD_REQUEST', instance: '/v1/users' });
  });

  it('keeps an HTTP status the error table has no row for, such as 415', async () => {
    const { status, body } = await api.call<ProblemDocument>('POST', '/v1/users', {
      body: '<user/>',
      headers: { 'content-type': 'application/xml' },
    });

    expect(status).toBe(415);
    expect(body).toMatchObject({
      type: 'about:blank',
      title: 'Unsupported Media Type',
      status: 415,
      detail: 'Send the request body as application/json.',
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    });
  });

  it('answers an unexpected failure with a 500 that tells nothing of its cause', async () => {
    const broken = await api.startAnother();
    try {
      // Its database has lost the API keys' tables, so looking up the key fails with SQL that must not leak.
      await broken.database.execute(sql`drop table ${apiKeyUsage}, ${apiKeys}`);
      const { status, body } = await broken.call<ProblemDocument>('GET', '/v1/users/me', {
        headers: { 'x-api-key': `triad_0000abcd_${'A'.repeat(43)}` },
      });

      expect(status).toBe(500);
      expect(body).toEqual({
        type: 'https://triad.dev/problems/internal',
        title: 'Internal error',
        status: 500,
        detail: 'Something went wrong on our side; the error has been logged.',
        instance: '/v1/users/me',
        code: 'INTERNAL',
        request_id: expect.any(String),
      });
    } finally {
      await broken.close();
    }
  });
});
