import { MAX_JSON_DEPTH, type RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type GraphQLResponse } from '../testing/gateway-client.js';
import { rawExchange } from '@triad/testing';

// No subgraph is needed: every request here is refused before any subgraph would be called.

/** What a GraphQL client reads for a refused request: one error, Apollo's code for it and a stable code. */
function refusal(code: string, errorCode: string, message: unknown) {
  return { errors: [{ message, extensions: { code, errorCode } }] };
}

/**
 * What a hostile or broken client gets from the gateway: a 4xx in GraphQL's error format for every request HTTP
 * itself refuses, as for malformed JSON, never a 500, an HTML page or Fastify's own body, and never a large piece
 * of its input echoed back.
 */
describe('hostile requests', () => {
  let gateway: RunningService;
  const post = async (body: string | Uint8Array, contentType = 'application/json'): Promise<Omit<GraphQLResponse, 'headers'>> => {
    const response = await fetch(`${gateway.httpUrl}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: response.status, body: (await response.json()) as GraphQLResponse['body'] };
  };
  const get = async (path: string) => {
    const response = await fetch(`${gateway.httpUrl}${path}`, { headers: { 'apollo-require-preflight': 'true' } });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  describe('bodies', () => {
    it('answers malformed JSON with a 400 GraphQL error, as every refusal below', async () => {
      expect(await post('{"query": ')).toEqual({
        status: 400,
        body: refusal('BAD_REQUEST', 'REQUEST.BAD_REQUEST', "Body is not valid JSON but content-type is set to 'application/json'"),
      });
    });

    it('answers JSON nested 40,000 deep (80 KB, within the body limit), in the body or in the variables, with a 400', async () => {
      const deep = '['.repeat(40_000) + ']'.repeat(40_000);
      const tooDeep = refusal(
        'BAD_REQUEST',
        'REQUEST.JSON_TOO_DEEP',
        `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: send a flatter document.`,
      );

      expect(await post(deep)).toEqual({ status: 400, body: tooDeep });
      expect(await post(`{"query":"query ($v: [Int]) { __typename }","variables":{"v":${deep}}}`)).toEqual({ status: 400, body: tooDeep });
    });

    it('answers a body that is not UTF-8 with a 400 instead of reading it with U+FFFD in place', async () => {
      const body = Buffer.concat([Buffer.from('{"query":"{ __typename '), Buffer.from([0xff]), Buffer.from(' }"}')]);

      expect(await post(body)).toEqual({
        status: 400,
        body: refusal('BAD_REQUEST', 'REQUEST.INVALID_UTF8', 'The request body is not valid UTF-8: send JSON encoded as UTF-8.'),
      });
    });

    it('answers an empty JSON body with a 400', async () => {
      expect(await post('')).toEqual({
        status: 400,
        body: refusal('BAD_REQUEST', 'REQUEST.BAD_REQUEST', "Body cannot be empty when content-type is set to 'application/json'"),
      });
    });

    it('answers any body but JSON, text and forms included, with a 415 that does not repeat the type', async () => {
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/graphql',
        `application/${'x'.repeat(5000)}`,
      ]) {
        expect(await post('{"query":"{ __typename }"}', contentType), contentType.slice(0, 40)).toEqual({
          status: 415,
          body: refusal(
            'BAD_REQUEST',
            'REQUEST.UNSUPPORTED_MEDIA_TYPE',
            'Send the body as application/json (a GraphQL query may also be a GET with the operation in the URL).',
          ),
        });
      }
    });
  });

  describe('URLs', () => {
    it('answers a malformed percent-escape in the path or the query with a 400, security headers included', async () => {
      for (const path of ['/graphql/%E0%A4%A', '/graphql?query=%E0%A4%A']) {
        const { status, headers, text } = await get(path);

        expect(status, path).toBe(400);
        expect(headers.get('x-frame-options'), path).toBe('DENY');
        expect(JSON.parse(text), path).toEqual(
          refusal('BAD_REQUEST', 'REQUEST.MALFORMED_URL', expect.stringContaining('malformed percent-escape')),
        );
      }
    });

    it('answers a NUL in the query with a 400', async () => {
      const { status, text } = await get('/graphql?query=%7B__typename%00%7D');

      expect(status).toBe(400);
      expect(JSON.parse(text)).toEqual(
        refusal(
          'BAD_REQUEST',
          'REQUEST.MALFORMED_URL',
          'The URL holds a NUL character (%00), which no path segment or parameter may hold.',
        ),
      );
    });

    it('answers a path nothing is served at with a 404 that repeats no more than its start', async () => {
      const { status, text } = await get(`/v1/${'abc/'.repeat(700)}`);

      expect(status).toBe(404);
      expect(JSON.parse(text)).toEqual(
        refusal('NOT_FOUND', 'REQUEST.ROUTE_NOT_FOUND', expect.stringMatching(/^No route matches GET \/v1\/(abc\/)+a?b?c?\.\.\.: /)),
      );
      expect(text.length).toBeLessThan(500);
    });

    it('answers a URL over 16 KiB with a 414', async () => {
      const response = await rawExchange(gateway.httpUrl, [`GET /graphql?query=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);

      expect(response.status).toBe(414);
      expect(JSON.parse(response.body)).toEqual(
        refusal('BAD_REQUEST', 'REQUEST.URI_TOO_LONG', 'The URL is too long: the request line and headers may take 16 KiB.'),
      );
    });
  });

  describe('malformed HTTP and slow clients', () => {
    it('answers a NUL byte in a header value with a 400 and closes the connection', async () => {
      const response = await rawExchange(gateway.httpUrl, ['POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\n\r\n']);

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(JSON.parse(response.body)).toEqual(
        refusal('BAD_REQUEST', 'REQUEST.MALFORMED_HTTP', expect.stringContaining('(Invalid header value char)')),
      );
      expect(response.closedAfterMs).toBeDefined();
    });

    it('cuts off a client that sends its headers a byte at a time within seconds, with a 408', { timeout: 20_000 }, async () => {
      const request = 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Padding: ' + 'a'.repeat(200);

      const response = await rawExchange(gateway.httpUrl, [...request], { gapMs: 100, waitMs: 15_000 });

      // HTTP_TIMEOUTS.headersMs, noticed within HTTP_TIMEOUTS.checkEveryMs.
      expect(response.closedAfterMs).toBeGreaterThanOrEqual(9_500);
      expect(response.closedAfterMs).toBeLessThan(12_000);
      expect(response.status).toBe(408);
      expect(JSON.parse(response.body)).toEqual(
        refusal(
          'BAD_REQUEST',
          'REQUEST.TIMEOUT',
          'The request did not arrive in time: send the headers within 10 s and the whole request within 30 s.',
        ),
      );
    });
  });
});
