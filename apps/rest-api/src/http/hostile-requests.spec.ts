import { MAX_JSON_DEPTH, type ProblemDocument } from '@triad/platform';
import { rawExchange } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

const PROBLEM_JSON = /^application\/problem\+json/;

/**
 * What a hostile or broken client gets from the REST edge: a 4xx problem document for every request HTTP itself
 * refuses, never a 500, an HTML page or Fastify's own body, and never a large piece of its input echoed back.
 */
describe('hostile requests', () => {
  let api: TestRestApi;
  const postUsers = (body: string | Uint8Array, contentType = 'application/json') =>
    fetch(`${api.url}/v1/users`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const problemOf = async (response: Response) => {
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    return (await response.json()) as ProblemDocument;
  };

  // The edge alone: every request here is refused before it could reach a service, and one that reached one
  // would answer 503, since none runs.
  beforeAll(async () => {
    api = await startTestRestApi({ services: [] });
  });
  afterAll(() => api?.close());

  it('answers a JSON body nested 100,000 deep with a 400 problem', async () => {
    const response = await postUsers('['.repeat(100_000) + ']'.repeat(100_000));

    expect(response.status).toBe(400);
    expect(await problemOf(response)).toEqual({
      type: 'https://triad.dev/problems/invalid-argument',
      title: 'Invalid argument',
      status: 400,
      detail: `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: send a flatter document.`,
      instance: '/v1/users',
      code: 'REQUEST.JSON_TOO_DEEP',
      request_id: expect.any(String),
    });
  });

  it('answers a JSON body that is not UTF-8 with a 400 problem', async () => {
    const response = await postUsers(Buffer.concat([Buffer.from('{"email":"'), Buffer.from([0xc3, 0x28]), Buffer.from('@x.dev"}')]));

    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ code: 'REQUEST.INVALID_UTF8', status: 400 });
  });

  it('answers an empty JSON body with a 400 problem', async () => {
    const response = await postUsers('');

    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ code: 'REQUEST.BAD_REQUEST', instance: '/v1/users' });
  });

  it('answers a body that is not JSON, a form or text included, with a 415 problem', async () => {
    for (const contentType of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      `application/${'x'.repeat(5000)}`,
    ]) {
      const response = await postUsers('email=a@b.dev&name=A&password=long-enough-password', contentType);

      expect(response.status, contentType).toBe(415);
      expect(await problemOf(response)).toMatchObject({
        type: 'about:blank',
        status: 415,
        code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        detail: 'Send the request body as application/json.',
      });
    }
  });

  it('answers a malformed percent-escape in the path with a 400 problem, security headers and request id included', async () => {
    const response = await fetch(`${api.url}/v1/products/%E0%A4%A`, { headers: { 'x-request-id': 'bad-url-1' } });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBe('bad-url-1');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await problemOf(response)).toEqual({
      type: 'https://triad.dev/problems/invalid-argument',
      title: 'Invalid argument',
      status: 400,
      detail: 'The URL path has a malformed percent-escape: encode each byte as %XX of its UTF-8 encoding, and a literal % as %25.',
      instance: '/v1/products/%E0%A4%A',
      code: 'REQUEST.MALFORMED_URL',
      request_id: 'bad-url-1',
    });
  });

  it('answers a malformed percent-escape or a NUL in the query with a 400 problem', async () => {
    for (const query of ['search=%E0%A4%A', 'search=a%00b']) {
      const response = await fetch(`${api.url}/v1/products?${query}`);

      expect(response.status, query).toBe(400);
      expect(await problemOf(response), query).toMatchObject({ code: 'REQUEST.MALFORMED_URL', instance: '/v1/products' });
    }
  });

  it('answers an over-long id in the path with a 414 problem that does not repeat it', async () => {
    const response = await fetch(`${api.url}/v1/products/${'a'.repeat(5000)}`);
    const text = await response.text();

    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(JSON.parse(text)).toMatchObject({ type: 'about:blank', title: 'URI Too Long', code: 'REQUEST.URI_TOO_LONG' });
    expect(text.length).toBeLessThan(700);
  });

  it('repeats no more than the start of a long unknown path or an unknown field name', async () => {
    const notFound = await fetch(`${api.url}/v1/${'b'.repeat(10_000)}`);
    const unknownField = await fetch(`${api.url}/v1/products?${'c'.repeat(8000)}=1`);

    expect(notFound.status).toBe(404);
    expect((await notFound.text()).length).toBeLessThan(1000);
    expect(unknownField.status).toBe(400);
    expect((await unknownField.text()).length).toBeLessThan(1000);
  });

  it('answers a URL over 16 KiB with a 414 problem', async () => {
    const response = await rawExchange(api.url, [`GET /v1/products?search=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);

    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(JSON.parse(response.body)).toEqual({
      type: 'about:blank',
      title: 'URI Too Long',
      status: 414,
      detail: 'The URL is too long: the request line and headers may take 16 KiB.',
      code: 'REQUEST.URI_TOO_LONG',
    });
  });

  it('answers a NUL byte in a header value with a 400 problem and closes the connection', async () => {
    const response = await rawExchange(api.url, ['GET /v1/products HTTP/1.1\r\nHost: x\r\nX-Note: a\u0000b\r\n\r\n']);

    expect(response.status).toBe(400);
    expect(response.closedAfterMs).toBeDefined();
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'https://triad.dev/problems/invalid-argument',
      code: 'REQUEST.MALFORMED_HTTP',
      detail: expect.stringContaining('a header value may not hold control characters such as NUL'),
    });
  });

  it('cuts off a client that sends its headers a byte at a time within seconds, with a 408 problem', { timeout: 20_000 }, async () => {
    const request = 'GET /v1/products HTTP/1.1\r\nHost: x\r\nX-Padding: ' + 'a'.repeat(200);

    const response = await rawExchange(api.url, [...request], { gapMs: 100, waitMs: 15_000 });

    // HTTP_TIMEOUTS.headersMs, noticed within HTTP_TIMEOUTS.checkEveryMs.
    expect(response.closedAfterMs).toBeGreaterThanOrEqual(9_500);
    expect(response.closedAfterMs).toBeLessThan(12_000);
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'about:blank',
      status: 408,
      title: 'Request Timeout',
      code: 'REQUEST.TIMEOUT',
    });
  });
});
