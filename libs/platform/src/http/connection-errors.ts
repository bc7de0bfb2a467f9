import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { HTTP_TIMEOUTS } from './http-timeouts.js';
import { graphQLRequestError } from './request-rejection.js';

/** A request Node refused before it became a request: no route, hook or exception filter ever sees it. */
export interface ConnectionErrorRejection {
  status: number;
  code: string;
  message: string;
}

/** The response body for such a refusal, in the shape of the server's other errors. */
export type ConnectionErrorBody = (rejection: ConnectionErrorRejection) => { contentType: string; body: string };

/** GraphQL's error format: the shape of every Triad HTTP server but rest-api, which sets its own. */
export const graphQLConnectionErrorBody: ConnectionErrorBody = ({ status, code, message }) => ({
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(graphQLRequestError(status, code, message)),
});

// A JSON body needs no more: it runs nothing, loads nothing and is framed by nobody.
const SECURITY_HEADERS = [
  "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options: nosniff',
  'X-Frame-Options: DENY',
  'Cache-Control: no-store',
];

/**
 * Answers what Node's HTTP parser refused — a client too slow with its headers or body (408), a request line or
 * headers over Node's 16 KiB (414 or 431), malformed HTTP such as a NUL in a header value (400) — in the
 * server's error shape instead of Fastify's default body, then closes the connection.
 */
export function answerConnectionError(error: Error & { code?: string }, socket: Socket, body: ConnectionErrorBody, logger: Logger): void {
  // A client that went away has nothing to be told.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const rejection = rejectionFor(error);
  if (rejection === undefined || !socket.writable) {
    socket.destroy();
    return;
  }
  logger.info({ status: rejection.status, code: error.code, client: socket.remoteAddress }, 'refused a request before reading it');
  const { contentType, body: text } = body(rejection);
  const head = [
    `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status]}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...SECURITY_HEADERS,
  ];
  // As Node does itself: whatever the client sends next is not worth reading.
  socket.write(`${head.join('\r\n')}\r\n\r\n${text}`);
  socket.destroy();
}

function rejectionFor(error: Error & { code?: string; rawPacket?: unknown }): ConnectionErrorRejection | undefined {
  const kib = Math.floor(maxHeaderSize / 1024);
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      code: 'REQUEST.TIMEOUT',
      message: `The request did not arrive in time: send the headers within ${HTTP_TIMEOUTS.headersMs / 1000} s and the whole request within ${HTTP_TIMEOUTS.requestMs / 1000} s.`,
    };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return isRequestLineTooLong(error.rawPacket)
      ? { status: 414, code: 'REQUEST.URI_TOO_LONG', message: `The URL is too long: the request line and headers may take ${kib} KiB.` }
      : {
          status: 431,
          code: 'REQUEST.HEADERS_TOO_LARGE',
          message: `The request headers are too large: the request line and headers may take ${kib} KiB.`,
        };
  }
  if (error.code?.startsWith('HPE_')) {
    return {
      status: 400,
      code: 'REQUEST.MALFORMED_HTTP',
      message: `The request is not valid HTTP/1.1 (${parserReason(error)}): check the request line and headers; a header value may not hold control characters such as NUL.`,
    };
  }
  return undefined;
}

/** True when the parser overflowed before the end of the request line: the URL, not the headers, is too long. */
function isRequestLineTooLong(rawPacket: unknown): boolean {
  return Buffer.isBuffer(rawPacket) && !rawPacket.subarray(0, maxHeaderSize).includes('\r\n');
}

/** llhttp's reason, such as "Invalid header value char": a fixed text of the parser, never the client's bytes. */
function parserReason(error: Error & { reason?: unknown }): string {
  return typeof error.reason === 'string' && /^[\w .-]{1,60}$/.test(error.reason) ? error.reason : 'parse error';
}
