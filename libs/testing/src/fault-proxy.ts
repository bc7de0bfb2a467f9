import { status as GrpcStatus } from '@grpc/grpc-js';
import { once } from 'node:events';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * How calls of one method go wrong, each the way a network does it, never with a made-up answer:
 * - `no-answer`: the call never reaches the service and nothing comes back, so the caller's deadline passes.
 *   The call is kept: `deliverHeld()` sends it on later, as a delayed packet would arrive.
 * - `lost-answer`: the service gets the call and does its work, then the connection breaks before the answer
 *   is back (for every call on it), so the caller sees UNAVAILABLE without knowing whether the call took effect.
 */
export type CallFault = 'no-answer' | 'lost-answer';

/** How the service answered a call that `deliverHeld()` sent on late. */
export interface LateAnswer {
  method: string;
  /** The gRPC status, by name (`OK`, `FAILED_PRECONDITION`…). */
  kind: string;
  /** Triad's error code (`triad-error-code` trailer), when the call failed. */
  code: string | undefined;
}

/**
 * A gRPC service as a client sees it through a network that a test breaks on purpose. Give the client
 * `address` instead of the service's; everything passes through until the test says otherwise.
 */
export interface FaultProxy {
  /** `host:port` to give the client. */
  address: string;
  /** Cuts every open connection and refuses new ones, as when the service's process is down. */
  down(): void;
  /** Makes every call of `method` (its name in the .proto, e.g. `ReserveStock`) go wrong until `heal()`. */
  fail(method: string, fault: CallFault): void;
  /**
   * Passes everything through again; calls still held are dropped, as a network loses them. When a client was
   * refused while the service was down, resolves once it has connected again: gRPC clients wait a second or
   * so before they retry a refused connection, and until then fail every call at once.
   */
  heal(): Promise<void>;
  /** Sends the calls that `no-answer` held on to the service, now, and resolves with its answers. */
  deliverHeld(): Promise<LateAnswer[]>;
  close(): Promise<void>;
}

interface HeldCall {
  method: string;
  headers: OutgoingHttpHeaders;
  body: Promise<Buffer>;
}

const RECONNECT_TIMEOUT_MS = 10_000;

/**
 * Starts a fault-injecting proxy in front of the gRPC service at `target` (`host:port`), on a free port of
 * 127.0.0.1. It relays HTTP/2 streams as they are, so statuses, trailers and metadata are the service's own.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const targetUrl = `http://${target}`;
  const faults = new Map<string, CallFault>();
  const held: HeldCall[] = [];
  const sockets = new Set<Socket>();
  const awaitingConnection = new Set<() => void>();
  let isDown = false;
  let refusedWhileDown = false;

  const server = createServer((socket) => {
    if (isDown) {
      refusedWhileDown = true;
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    relayConnection(socket, targetUrl, (method) => faults.get(method), held);
    for (const connected of awaitingConnection) connected();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const nextConnection = () =>
    new Promise<void>((resolve, reject) => {
      const connected = () => {
        clearTimeout(timeout);
        awaitingConnection.delete(connected);
        resolve();
      };
      const timeout = setTimeout(() => {
        awaitingConnection.delete(connected);
        reject(new Error(`no client connected to ${target} again within ${RECONNECT_TIMEOUT_MS / 1000} s`));
      }, RECONNECT_TIMEOUT_MS);
      awaitingConnection.add(connected);
    });

  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    down: () => {
      isDown = true;
      for (const socket of sockets) socket.resetAndDestroy();
    },
    fail: (method, fault) => void faults.set(method, fault),
    heal: async () => {
      const mustReconnect = refusedWhileDown;
      faults.clear();
      held.length = 0;
      isDown = false;
      refusedWhileDown = false;
      if (mustReconnect) await nextConnection();
    },
    deliverHeld: () => Promise.all(held.splice(0).map((call) => deliverLate(targetUrl, call))),
    close: async () => {
      held.length = 0;
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Serves one client connection over HTTP/2, relaying each call to the service over a connection of its own. */
function relayConnection(socket: Socket, targetUrl: string, faultOf: (method: string) => CallFault | undefined, held: HeldCall[]) {
  const session = http2.performServerHandshake(socket);
  const upstream = http2.connect(targetUrl);
  upstream.on('error', () => session.destroy());
  session.on('error', () => undefined);
  session.once('close', () => upstream.destroy());
  session.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const method = String(headers[':path']).split('/').pop() ?? '';
    const fault = faultOf(method);
    if (fault === 'no-answer') held.push({ method, headers: requestHeaders(headers), body: readAll(stream) });
    else relayCall(stream, headers, upstream, fault === 'lost-answer' ? () => socket.resetAndDestroy() : undefined);
  });
}

/** Relays one call both ways; with `loseAnswer`, lets the service answer in full, drops it, and calls `loseAnswer`. */
function relayCall(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, upstream: ClientHttp2Session, loseAnswer?: () => void) {
  const request = upstream.request(requestHeaders(headers));
  request.on('error', () => undefined);
  stream.pipe(request);
  // A caller that gives up (deadline, cancel) resets its stream; the service hears of it the same way.
  stream.once('close', () => {
    if (!request.closed) request.close(http2.constants.NGHTTP2_CANCEL);
  });
  if (loseAnswer) {
    request.resume().once('close', loseAnswer);
    return;
  }
  // And a call the service resets, or never answers, is reset for the caller.
  request.once('close', () => {
    const reset = request.rstCode !== undefined && request.rstCode !== http2.constants.NGHTTP2_NO_ERROR;
    if (!stream.closed && (reset || !stream.headersSent)) stream.close(reset ? request.rstCode : http2.constants.NGHTTP2_INTERNAL_ERROR);
  });
  request.once('response', (responseHeaders, flags) => {
    // A trailers-only answer (an error status straight away) ends the stream with its headers.
    if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) return stream.respond(responseHeaders, { endStream: true });
    const trailers = once(request, 'trailers') as Promise<[IncomingHttpHeaders]>;
    stream.respond(responseHeaders, { waitForTrailers: true });
    stream.once('wantTrailers', () => void trailers.then(([received]) => stream.sendTrailers(withoutPseudoHeaders(received))));
    request.pipe(stream);
  });
}

/** Sends a held call to the service, without the deadline it was sent with (that has passed), and reads the answer. */
async function deliverLate(targetUrl: string, call: HeldCall): Promise<LateAnswer> {
  const { 'grpc-timeout': _deadline, ...headers } = call.headers;
  const body = await call.body;
  const session = http2.connect(targetUrl);
  try {
    const answer = await new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const received: IncomingHttpHeaders = {};
      session.once('error', reject);
      const request = session.request(headers);
      request.on('response', (responseHeaders) => Object.assign(received, responseHeaders));
      request.on('trailers', (trailers) => Object.assign(received, trailers));
      request.once('error', reject);
      request.once('close', () => resolve(received));
      request.resume().end(body);
    });
    const code = Number(answer['grpc-status'] ?? GrpcStatus.UNKNOWN);
    return { method: call.method, kind: GrpcStatus[code] ?? String(code), code: answer['triad-error-code'] as string | undefined };
  } finally {
    session.close();
  }
}

/** The call's headers as received (pseudo-headers and metadata), to send on unchanged. */
function requestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers));
}

function withoutPseudoHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(':')));
}

/** The request body of a call, once the caller has sent all of it (or given up). */
function readAll(stream: ServerHttp2Stream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('close', () => resolve(Buffer.concat(chunks)));
  });
}
