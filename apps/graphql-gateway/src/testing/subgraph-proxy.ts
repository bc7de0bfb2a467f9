import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A subgraph as the gateway sees it through a network that a spec breaks on purpose, the HTTP counterpart of
 * libs/testing's gRPC `FaultProxy`. Give the gateway `url` instead of the subgraph's; everything passes
 * through, unchanged, until the spec says otherwise.
 */
export interface SubgraphProxy {
  /** `http://127.0.0.1:PORT/graphql`, for the gateway's `<SCOPE>_SUBGRAPH_URL`. */
  url: string;
  /** Requests from now on reach nobody and are never answered, as when the subgraph hangs. */
  hold(): void;
  /** Cuts every open connection and every new one, as when the subgraph's process is down. */
  down(): void;
  /** Passes requests through again; those still held are dropped. */
  heal(): void;
  close(): Promise<void>;
}

/** Starts a proxy in front of the subgraph at `subgraphUrl` (its `/graphql` endpoint) on a free port of 127.0.0.1. */
export async function startSubgraphProxy(subgraphUrl: string): Promise<SubgraphProxy> {
  const target = new URL(subgraphUrl);
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  let mode: 'pass' | 'hold' | 'down' = 'pass';

  const server = createServer((incoming, response) => {
    if (mode === 'hold') {
      held.add(response);
      response.once('close', () => held.delete(response));
      return;
    }
    relay(incoming, response, target);
  });
  server.on('connection', (socket) => {
    if (mode === 'down') return void socket.resetAndDestroy();
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  const dropHeld = () => {
    for (const response of held) response.destroy();
    held.clear();
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`,
    hold: () => void (mode = 'hold'),
    down: () => {
      mode = 'down';
      dropHeld();
      for (const socket of sockets) socket.resetAndDestroy();
    },
    heal: () => {
      mode = 'pass';
      dropHeld();
    },
    close: async () => {
      dropHeld();
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Sends one request on to the subgraph and its answer back, as they are. */
function relay(incoming: IncomingMessage, response: ServerResponse, target: URL) {
  const outgoing = request(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: target.host },
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on('error', () => response.destroy());
  response.once('close', () => outgoing.destroy());
  incoming.pipe(outgoing);
}
