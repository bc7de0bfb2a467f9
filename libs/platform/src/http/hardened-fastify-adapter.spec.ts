import { connect } from 'node:net';
import type { Server } from 'node:http';
import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../lifecycle/service-runner.js';
import { createLogger } from '../logging/logger.js';
import { HTTP_TIMEOUTS } from './http-timeouts.js';
import { MAX_JSON_DEPTH } from './json-body.parser.js';

@Controller()
class SampleHttpController {
  @Post('echo')
  echo(@Body() body: unknown): { received: unknown } {
    return { received: body };
  }

  @Get('things/:id')
  thing(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('search')
  search(@Query('q') q: string): { q: string } {
    return { q };
  }
}

@Module({ controllers: [SampleHttpController] })
class SampleModule {}

interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
  /** How long after the first byte was sent the server closed the connection; undefined if it stayed open. */
  closedAfterMs?: number;
}

/**
 * Sends `chunks` over a bare TCP connection, `gapMs` apart (a slow client sends one byte at a time), and reads
 * what comes back until the server closes the connection or `waitMs` pass.
 */
function rawExchange(url: string, chunks: (string | Buffer)[], { gapMs = 0, waitMs = 5_000 } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const started = Date.now();
    let next = 0;
    const send = () => {
      if (socket.destroyed || next >= chunks.length) return;
      socket.write(chunks[next++]!);
      setTimeout(send, gapMs);
    };
    const finish = (closedAfterMs?: number) => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('utf8');
      const [head = '', ...body] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: body.join('\r\n\r\n'),
        ...(closedAfterMs === undefined ? {} : { closedAfterMs }),
      });
    };
    const timer = setTimeout(() => finish(), waitMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('close', () => finish(Date.now() - started));
    socket.on('error', () => undefined);
    send();
  });
}

const bytesOf = (text: string) => [...text];

describe('HardenedFastifyAdapter', () => {
  let service: RunningService;
  const post = (path: string, body: string | Uint8Array, contentType = 'application/json') =>
    fetch(`${service.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  beforeAll(async () => {
    service = await startService({
      rootModule: SampleModule,
      logger: createLogger('spec', 'silent'),
      http: { host: '127.0.0.1', port: 0, portVariable: 'SPEC_PORT' },
    });
  });
  afterAll(() => service?.close());

  describe('time limits', () => {
    it('hold every server to HTTP_TIMEOUTS', () => {
      const server = service.app.getHttpServer() as Server;

      expect(server.headersTimeout).toBe(HTTP_TIMEOUTS.headersMs);
      expect(server.requestTimeout).toBe(HTTP_TIMEOUTS.requestMs);
      expect(server.keepAliveTimeout).toBe(HTTP_TIMEOUTS.keepAliveMs);
      expect(server.timeout).toBe(HTTP_TIMEOUTS.idleMs);
      expect(HTTP_TIMEOUTS.headersMs).toBeLessThanOrEqual(HTTP_TIMEOUTS.requestMs);
    });

    describe('with the limits cut to 1 s for headers and 2 s for the whole request', () => {
      let server: Server;
      beforeAll(() => {
        // Node reads both at each check (every HTTP_TIMEOUTS.checkEveryMs), so the test need not wait 10 and 30 s.
        server = service.app.getHttpServer() as Server;
        server.headersTimeout = 1_000;
        server.requestTimeout = 2_000;
      });
      afterAll(() => {
        server.headersTimeout = HTTP_TIMEOUTS.headersMs;
        server.requestTimeout = HTTP_TIMEOUTS.requestMs;
      });

      it('answers 408 and disconnects a client that sends its headers a byte at a time', async () => {
        const response = await rawExchange(
          service.httpUrl,
          bytesOf('GET /search?q=lamp HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaa'),
          {
            gapMs: 200,
          },
        );

        expect(response.closedAfterMs).toBeGreaterThanOrEqual(900);
        expect(response.closedAfterMs).toBeLessThan(2_500);
        expect(response.status).toBe(408);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(JSON.parse(response.body)).toEqual({
          errors: [
            {
              message: 'The request did not arrive in time: send the headers within 10 s and the whole request within 30 s.',
              extensions: { code: 'BAD_REQUEST', errorCode: 'REQUEST.TIMEOUT' },
            },
          ],
        });
      });

      it('disconnects a client that connects and sends nothing', async () => {
        const response = await rawExchange(service.httpUrl, []);

        expect(response.closedAfterMs).toBeLessThan(2_500);
        expect(response.status).toBe(408);
      });

      it('answers 408 and disconnects a client that sends its body a byte at a time', async () => {
        const body = '{"padding": "' + 'a'.repeat(200) + '"}';
        const response = await rawExchange(
          service.httpUrl,
          [`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, ...bytesOf(body)],
          { gapMs: 100 },
        );

        expect(response.closedAfterMs).toBeGreaterThanOrEqual(1_900);
        expect(response.closedAfterMs).toBeLessThan(3_500);
        expect(response.status).toBe(408);
      });

      it('keeps answering everyone else while slow clients hold connections', async () => {
        const slow = Array.from({ length: 50 }, () =>
          rawExchange(service.httpUrl, bytesOf('GET /search HTTP/1.1\r\nHost: x\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaa'), { gapMs: 100 }),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));

        const started = Date.now();
        const response = await fetch(`${service.httpUrl}/search?q=lamp`);

        expect(await response.json()).toEqual({ q: 'lamp' });
        expect(Date.now() - started).toBeLessThan(500);
        expect((await Promise.all(slow)).every((cut) => cut.status === 408)).toBe(true);
      });
    });
  });

  describe('JSON bodies', () => {
    it('are parsed as before when well-formed', async () => {
      const response = await post('/echo', JSON.stringify({ name: 'Zoë', nested: [[1], { a: null }] }));

      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ received: { name: 'Zoë', nested: [[1], { a: null }] } });
    });

    it(`refuse nesting deeper than ${MAX_JSON_DEPTH} levels with a 400, whatever the depth`, async () => {
      const atLimit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
      const bracketsInStrings = JSON.stringify({ text: '[[[['.repeat(100) });

      expect((await post('/echo', atLimit)).status).toBe(201);
      expect((await post('/echo', bracketsInStrings)).status).toBe(201);
      for (const depth of [MAX_JSON_DEPTH + 1, 100_000]) {
        const response = await post('/echo', '['.repeat(depth) + ']'.repeat(depth));
        expect(response.status, `depth ${depth}`).toBe(400);
        expect(await response.json()).toEqual({
          statusCode: 400,
          message: `The JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: send a flatter document.`,
        });
      }
      const objects = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
      expect((await post('/echo', objects)).status).toBe(400);
    });

    it('refuse bytes that are not UTF-8 instead of decoding them to U+FFFD', async () => {
      const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

      const response = await post('/echo', body);

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        statusCode: 400,
        message: 'The request body is not valid UTF-8: send JSON encoded as UTF-8.',
      });
    });

    it('are the only kind of body read: text and HTML forms get a 415', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const response = await post('/echo', 'name=x', contentType);
        expect(response.status, contentType).toBe(415);
      }
    });
  });

  describe('URLs', () => {
    it('refuse a malformed percent-escape in the path or the query with a 400 that does not quote it', async () => {
      for (const path of ['/things/%E0%A4%A', '/search?q=%E0%A4%A', '/search?q=100%']) {
        const response = await fetch(`${service.httpUrl}${path}`);
        const text = await response.text();
        expect(response.status, path).toBe(400);
        expect(text, path).not.toContain('%E0');
      }
    });

    it('refuse NUL in the path or the query', async () => {
      for (const path of ['/things/a%00b', '/search?q=a%00b']) {
        expect((await fetch(`${service.httpUrl}${path}`)).status, path).toBe(400);
      }
    });

    it('accept well-encoded text, non-ASCII included', async () => {
      const response = await fetch(`${service.httpUrl}/search?q=${encodeURIComponent('Zoë 100% +')}`);

      expect(await response.json()).toEqual({ q: 'Zoë 100% +' });
    });

    it('refuse a path segment over the router limit with a 414 that does not quote it', async () => {
      const response = await fetch(`${service.httpUrl}/things/${'a'.repeat(500)}`);

      expect(response.status).toBe(414);
      expect(await response.text()).not.toContain('aaaaaaaaaa');
    });

    it('refuse a URL over 16 KiB with a 414 in the server shape', async () => {
      const response = await rawExchange(service.httpUrl, [`GET /search?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);

      expect(response.status).toBe(414);
      expect(JSON.parse(response.body).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', errorCode: 'REQUEST.URI_TOO_LONG' });
      expect(response.body.length).toBeLessThan(300);
    });
  });

  describe('malformed HTTP', () => {
    it('is a 400 in the server shape, with headers that keep a browser from doing anything with it', async () => {
      for (const request of [
        'GET /search HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0000b\r\n\r\n',
        'GET /search?q=a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n',
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n{}',
      ]) {
        const response = await rawExchange(service.httpUrl, [request]);

        expect(response.status, request).toBe(400);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
        expect(JSON.parse(response.body).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', errorCode: 'REQUEST.MALFORMED_HTTP' });
        expect(response.closedAfterMs).toBeDefined();
      }
    });

    it('is a 431 when the headers are over 16 KiB', async () => {
      const response = await rawExchange(service.httpUrl, [`GET /search HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);

      expect(response.status).toBe(431);
      expect(JSON.parse(response.body).errors[0].extensions.errorCode).toBe('REQUEST.HEADERS_TOO_LARGE');
    });
  });
});
