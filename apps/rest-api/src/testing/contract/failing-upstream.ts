import type { AddressInfo } from 'node:net';
import { createServer, type Http2Session } from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';

/** How every call fails: answered INTERNAL at once, as by a service with a bug, or never answered, as by a hung one. */
export type UpstreamFailure = 'internal' | 'silence';

export interface FailingUpstream {
  /** `host:port`, for `*_SERVICE_ADDR`. */
  address: string;
  /** Sets how the calls from now on fail. */
  failWith(failure: UpstreamFailure): void;
  close(): Promise<void>;
}

/**
 * A stand-in for any gRPC service that fails every call of every RPC. It speaks just enough HTTP/2 for a gRPC
 * client to read a status (a trailers-only response), so it needs no contract; a silent call lasts until the
 * caller's deadline, or until it gives up.
 */
export async function startFailingUpstream(): Promise<FailingUpstream> {
  let failure: UpstreamFailure = 'internal';
  const sessions = new Set<Http2Session>();
  const server = createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream) => {
    // A caller whose deadline passes resets its stream.
    stream.on('error', () => undefined);
    if (failure === 'silence') return;
    stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(GrpcStatus.INTERNAL),
        'grpc-message': 'the failing stand-in fails every call',
      },
      { endStream: true },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    failWith: (next) => {
      failure = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
