/**
 * How long a client may take over each part of an HTTP exchange, for every Triad HTTP server (both edges and
 * the subgraphs). Without them a client that trickles its request holds a connection for minutes: Fastify
 * turns Node's request timeout off, and Node checks its header timeout only every 30 s. A client cut off by
 * the first two is answered 408 and disconnected; the others close the connection silently.
 */
export const HTTP_TIMEOUTS = {
  // The request line and headers. Real clients send them in one packet; 10 s leaves room for a lossy mobile link.
  headersMs: 10_000,
  // The whole request, body included. The largest body an edge reads is 10 MiB (POST /v1/products:import), which
  // arrives in 30 s at about 3 Mbit/s; the 1 MiB default limit at about 300 kbit/s.
  requestMs: 30_000,
  // How often Node looks for connections over the two limits above: this bounds how late it notices them.
  // Its default, 30 s, let a slow client stay up to twice as long; going through the open connections each
  // second costs next to nothing.
  checkEveryMs: 1_000,
  // A kept-alive connection idle between two requests. Fastify's default, 72 s, suits a server behind a load
  // balancer with a 60 s idle timeout; nothing stands in front of these, so an idle client holds a socket 10 s
  // at most. Behind a proxy that reuses connections longer, this must exceed its idle timeout.
  keepAliveMs: 10_000,
  // No byte moving either way while a request is answered (a client that stops reading the response). It must
  // outlast the slowest legitimate silence: a subgraph call (SUBGRAPH_TIMEOUT_MS, 10 s), a gRPC deadline
  // (GRPC_DEADLINE_MS, 5 s) and the gap between two keep-alive comments of an event stream
  // (REST_SSE_HEARTBEAT_MS, 15 s). Upgraded connections (the gateway's WebSockets) are not held to it.
  idleMs: 60_000,
} as const;
