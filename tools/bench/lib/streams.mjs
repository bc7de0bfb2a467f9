// Streaming: the time from a status change to its arrival at a client watching the order, over gRPC's
// WatchOrder stream, REST's server-sent events and a GraphQL subscription (graphql-ws), all three watching
// the same order at once. An admin moves each order through confirmed, shipped and delivered over gRPC; the
// clock starts when the change is sent.
import { randomUUID } from 'node:crypto';
import { bearer, json, unary } from './clients.mjs';
import { percentile } from './drive.mjs';

const CHANGES = ['CONFIRMED', 'SHIPPED', 'DELIVERED'];
const ARRIVAL_TIMEOUT_MS = 10_000;

export const STREAMS = ['gRPC WatchOrder', 'REST server-sent events', 'GraphQL subscription (graphql-ws)'];

/** Latency samples (ms) per stream over `orders` orders, three changes each, and their p50, p99 and max. */
export async function measureStreams({ urls, grpc, admin, writer, writeProduct }, orders) {
  const samples = STREAMS.map(() => []);
  for (let index = 0; index < orders; index += 1) {
    const order = await json(
      `${urls.rest}/v1/orders`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.token}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ items: [{ product_id: writeProduct.id, quantity: 1 }] }),
      },
      [201],
    );
    const watchers = [
      grpcWatcher(grpc, order.id, writer.token),
      await sseWatcher(urls.rest, order.id, writer.token),
      subscriptionWatcher(urls.gateway, order.id, writer.token),
    ];
    try {
      await Promise.all(watchers.map((watcher) => watcher.arrival('PENDING')));
      for (const status of CHANGES) {
        const sentAt = performance.now();
        await unary(grpc.orders, 'UpdateOrderStatus', { id: order.id, status: `ORDER_STATUS_${status}` }, bearer(admin.token));
        const arrivals = await Promise.all(watchers.map((watcher) => watcher.arrival(status)));
        arrivals.forEach((arrivedAt, stream) => samples[stream].push(arrivedAt - sentAt));
      }
    } finally {
      for (const watcher of watchers) watcher.close();
    }
  }
  return STREAMS.map((name, stream) => {
    const sorted = samples[stream].sort((a, b) => a - b);
    return { name, samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
  });
}

/** When each status was first seen, and a promise for a status not seen yet. */
function arrivals(describe) {
  const seen = new Map();
  const waiting = new Map();
  return {
    saw(status) {
      if (seen.has(status)) return;
      seen.set(status, performance.now());
      waiting.get(status)?.(seen.get(status));
    },
    arrival(status) {
      if (seen.has(status)) return Promise.resolve(seen.get(status));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${describe}: ${status} did not arrive within ${ARRIVAL_TIMEOUT_MS} ms`)),
          ARRIVAL_TIMEOUT_MS,
        );
        waiting.set(status, (at) => (clearTimeout(timer), resolve(at)));
      });
    },
  };
}

function grpcWatcher(grpc, orderId, token) {
  const seen = arrivals('gRPC WatchOrder');
  const call = grpc.orders.WatchOrder({ id: orderId }, bearer(token));
  call.on('data', (event) => seen.saw(String(event.status).replace('ORDER_STATUS_', '')));
  call.on('error', () => {}); // cancelled on close
  return { arrival: seen.arrival, close: () => call.cancel() };
}

async function sseWatcher(rest, orderId, token) {
  const seen = arrivals('server-sent events');
  const abort = new AbortController();
  const response = await fetch(`${rest}/v1/orders/${orderId}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (response.status !== 200) throw new Error(`GET /v1/orders/{id}/events: ${response.status}`);
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        for (const [, status] of decoder.decode(chunk, { stream: true }).matchAll(/"status":"([a-z]+)"/g)) seen.saw(status.toUpperCase());
      }
    } catch {
      // aborted on close
    }
  })();
  return { arrival: seen.arrival, close: () => abort.abort() };
}

function subscriptionWatcher(gateway, orderId, token) {
  const seen = arrivals('GraphQL subscription');
  const socket = new WebSocket(gateway.replace(/^http/, 'ws'), 'graphql-transport-ws');
  socket.addEventListener('open', () =>
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
  );
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    if (message.type === 'connection_ack') {
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }', variables: { id: orderId } },
        }),
      );
    } else if (message.type === 'next' && message.payload?.data) {
      seen.saw(message.payload.data.orderStatusChanged.status);
    }
  });
  return { arrival: seen.arrival, close: () => socket.close() };
}
