import {
  authorizeWithPkce,
  DEMO_ACCOUNTS,
  discover,
  freeSystemPorts,
  rawExchange,
  startOtlpReceiver,
  startSystem,
  type OtlpReceiver,
  type ReceivedSpan,
  type RunningSystem,
} from '@triad/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What a team running Triad sees of it: the processes export their spans over OTLP to a receiver this spec
 * starts (as they would to Jaeger or a collector), log lines carry the trace id, and `/metrics` counts the
 * traffic it was sent.
 */
let receiver: OtlpReceiver;
let system: RunningSystem;
let dataDir: string;
let rest: string;
let gateway: string;
let metricsUrls: Record<'rest' | 'gateway' | 'users' | 'catalog' | 'orders', string>;
const logs: { process: string; entry: Record<string, unknown> }[] = [];

const BUYER_PASSWORD = 'buyer-password';

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-telemetry-'));
  const ports = await freeSystemPorts();
  system = await startSystem({
    ports,
    dataDir,
    // The issuer at the REST edge's address, as compose and Kubernetes run it.
    env: { LOG_LEVEL: 'info', NODE_ENV: 'test', AUTH_ISSUER: `http://127.0.0.1:${ports.rest}/oidc`, ...receiver.env },
    output: (process, line) => {
      if (line.startsWith('{')) logs.push({ process, entry: JSON.parse(line) as Record<string, unknown> });
    },
  });
  rest = `http://127.0.0.1:${ports.rest}`;
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
  metricsUrls = {
    rest: `${rest}/metrics`,
    gateway: `http://127.0.0.1:${ports.gateway}/metrics`,
    users: `http://127.0.0.1:${ports.usersHttp}/metrics`,
    catalog: `http://127.0.0.1:${ports.catalogHttp}/metrics`,
    orders: `http://127.0.0.1:${ports.ordersHttp}/metrics`,
  };
});

afterAll(async () => {
  await system?.stop();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A trace context of the test's own, sampled, so that a request joins a trace whose id the test knows. */
function newTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

async function signUp(): Promise<{ token: string; id: string }> {
  const email = `watcher-${randomUUID()}@example.com`;
  const created = await fetch(`${rest}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, name: 'Watcher', password: BUYER_PASSWORD }),
  });
  expect(created.status).toBe(201);
  return { ...(await signIn(email, BUYER_PASSWORD)), id: ((await created.json()) as { id: string }).id };
}

async function signIn(email: string, password: string): Promise<{ token: string }> {
  const response = await fetch(`${rest}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return { token: ((await response.json()) as { access_token: string }).access_token };
}

/** A product with stock for the orders placed here, but less than 100: an order of 100 is refused for stock. */
async function productInStock(): Promise<{ id: string; stock_on_hand: number }> {
  const response = await fetch(`${rest}/v1/products?page_size=50`);
  const { products } = (await response.json()) as { products: { id: string; stock_on_hand: number }[] };
  const product = products.find((candidate) => candidate.stock_on_hand >= 20 && candidate.stock_on_hand < 100);
  if (!product) throw new Error('no demo product has between 20 and 99 units in stock');
  return product;
}

function placeOrder(token: string, productId: string, quantity: number, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${rest}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID(), ...headers },
    body: JSON.stringify({ items: [{ product_id: productId, quantity }] }),
  });
}

/** Waits for the trace until it holds a span matching each of `needed`, then returns all of its spans. */
async function traceWith(traceId: string, needed: Record<string, (span: ReceivedSpan) => boolean>): Promise<ReceivedSpan[]> {
  const missing = () => Object.keys(needed).filter((what) => !receiver.trace(traceId).some(needed[what]!));
  await receiver
    .waitFor(() => missing().length === 0, `trace ${traceId} with ${Object.keys(needed).join(', ')}`)
    .catch((error: unknown) => {
      const spans = receiver.trace(traceId).map((span) => `${span.service}: ${span.name} ${JSON.stringify(span.attributes)}`);
      throw new Error(`${String(error)}\nmissing: ${missing().join(', ')}\nthe trace:\n${spans.join('\n')}`);
    });
  // Spans of one trace leave each process in batches: give the last ones a moment.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return receiver.trace(traceId);
}

const named = (service: string, name: string) => (span: ReceivedSpan) => span.service === service && span.name === name;

/** Every span's parent is in the trace, except the root's, which is the span the test sent. */
function expectConnected(spans: ReceivedSpan[], rootParent: string): void {
  const ids = new Set(spans.map((span) => span.spanId));
  const orphans = spans.filter((span) => span.parentSpanId !== rootParent && !ids.has(span.parentSpanId));
  expect(orphans.map((span) => `${span.service}: ${span.name}`)).toEqual([]);
}

function parentOf(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan | undefined {
  return spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

/** Whether `span` descends from `ancestor` within `spans`. */
function descendsFrom(spans: ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan): boolean {
  for (let current = parentOf(spans, span); current; current = parentOf(spans, current)) {
    if (current.spanId === ancestor.spanId) return true;
  }
  return false;
}

describe('one trace per request', () => {
  it('follows an order placed over REST through every process and database it touches', async () => {
    const { token } = await signIn(DEMO_ACCOUNTS.alice.email, DEMO_ACCOUNTS.alice.password);
    const product = await productInStock();
    const { traceparent, traceId, spanId } = newTraceparent();
    const response = await placeOrder(token, product.id, 1, { traceparent });
    expect(response.status).toBe(201);
    const orderId = ((await response.json()) as { id: string }).id;

    const spans = await traceWith(traceId, {
      'the REST request': (span) => span.service === 'rest-api' && span.kind === 2 && span.attributes['http.route'] === '/v1/orders',
      'the placement': named('orders-service', 'order.placement'),
      'the store step': named('orders-service', 'order.placement.store'),
      'the stock reservation': (span) => span.service === 'catalog-service' && span.kind === 2 && span.name.endsWith('/ReserveStock'),
      'the user check': (span) => span.service === 'users-service' && span.kind === 2 && span.name.endsWith('/GetUser'),
    });
    expectConnected(spans, spanId);

    // The REST edge's server span continues the caller's trace, and everything else hangs below it.
    const edge = spans.find((span) => span.service === 'rest-api' && span.kind === 2)!;
    expect(edge.parentSpanId).toBe(spanId);
    expect(edge.attributes['http.request.method']).toBe('POST');
    expect(edge.attributes['http.response.status_code']).toBe(201);

    // gRPC: each server span is the child of the client span that made the call, in another process.
    const placeServer = spans.find((span) => span.service === 'orders-service' && span.kind === 2 && span.name.endsWith('/PlaceOrder'))!;
    const placeClient = parentOf(spans, placeServer)!;
    expect(placeClient).toMatchObject({ service: 'rest-api', kind: 3, name: 'triad.orders.v1.OrdersService/PlaceOrder' });
    expect(placeClient.attributes).toMatchObject({
      'rpc.system.name': 'grpc',
      'rpc.method': 'triad.orders.v1.OrdersService/PlaceOrder',
      'rpc.response.status_code': 'OK',
      'server.address': expect.any(String),
      'server.port': expect.any(Number),
    });
    expect(placeServer).toMatchObject({ name: 'triad.orders.v1.OrdersService/PlaceOrder', statusCode: 0 });
    expect(placeServer.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'rpc.response.status_code': 'OK' });
    for (const call of ['/GetUser', '/BatchGetProducts', '/ReserveStock']) {
      const server = spans.find((span) => span.kind === 2 && span.name.endsWith(call) && span.service !== 'orders-service')!;
      expect(parentOf(spans, server), call).toMatchObject({ service: 'orders-service', kind: 3 });
      expect(descendsFrom(spans, server, placeServer), call).toBe(true);
    }

    // The saga's steps, in order, under the placement, which says how it ended.
    const placement = spans.find(named('orders-service', 'order.placement'))!;
    expect(placement.attributes).toMatchObject({ 'triad.placement.outcome': 'placed', 'triad.order.id': orderId });
    const steps = spans
      .filter((span) => span.parentSpanId === placement.spanId && span.name.startsWith('order.placement.'))
      .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1))
      .map((span) => span.name);
    expect(steps).toEqual([
      'order.placement.claim',
      'order.placement.check_user',
      'order.placement.price',
      'order.placement.reserve_stock',
      'order.placement.store',
    ]);

    // Database spans in each service, below the work that caused them, with the statement but no values.
    for (const service of ['orders-service', 'catalog-service', 'users-service']) {
      const queries = spans.filter((span) => span.service === service && span.attributes['db.system.name'] === 'postgresql');
      expect(queries.length, service).toBeGreaterThan(0);
      for (const query of queries) expect(query.kind, service).toBe(3);
    }
    const insert = spans.find(
      (span) =>
        span.service === 'orders-service' &&
        span.attributes['db.operation.name'] === 'INSERT' &&
        descendsFrom(spans, span, spans.find(named('orders-service', 'order.placement.store'))!),
    );
    expect(insert?.attributes['db.query.text']).toMatch(/^insert into "order_items"/i);
    expect(String(insert?.attributes['db.query.text'])).not.toContain(product.id);

    // Exactly one trace: the request's spans are all in it, none in another.
    const placeOrderServers = receiver.spans().filter((span) => span.kind === 2 && span.name.endsWith('/PlaceOrder'));
    expect(placeOrderServers.filter((span) => span.attributes['rpc.response.status_code'] === 'OK').map((span) => span.traceId)).toContain(
      traceId,
    );
    const thisOrder = receiver.spans().filter((span) => span.attributes['triad.order.id'] === orderId && span.name === 'order.placement');
    expect(thisOrder.map((span) => span.traceId)).toEqual([traceId]);

    // And a log line of each process carries the trace id of the request that caused it.
    const processesLogging = new Set(logs.filter(({ entry }) => entry['trace_id'] === traceId).map(({ process }) => process));
    expect([...processesLogging].sort()).toEqual(['catalog-service', 'orders-service', 'rest-api', 'users-service']);
  });

  it('shows the compensation of a placement that failed after stock was asked for', async () => {
    const { token } = await signIn(DEMO_ACCOUNTS.bob.email, DEMO_ACCOUNTS.bob.password);
    const product = await productInStock();
    const { traceparent, traceId, spanId } = newTraceparent();
    const response = await placeOrder(token, product.id, 100, { traceparent });
    expect(response.status).toBe(422);

    const spans = await traceWith(traceId, {
      'the placement': named('orders-service', 'order.placement'),
      'the compensation': named('orders-service', 'order.placement.compensate'),
      'the release': (span) => span.service === 'catalog-service' && span.kind === 2 && span.name.endsWith('/ReleaseStock'),
    });
    expectConnected(spans, spanId);
    const placement = spans.find(named('orders-service', 'order.placement'))!;
    expect(placement.attributes).toMatchObject({ 'triad.placement.outcome': 'rejected', 'error.type': 'CATALOG.OUT_OF_STOCK' });
    expect(placement.statusCode).toBe(2);
    const reservation = spans.find(named('orders-service', 'order.placement.reserve_stock'))!;
    expect(reservation).toMatchObject({ statusCode: 2, parentSpanId: placement.spanId });
    expect(reservation.attributes['error.type']).toBe('CATALOG.OUT_OF_STOCK');
    // The refused gRPC call failed for its caller, but catalog-service answered it as it should: by the RPC
    // conventions only the CLIENT span is an error.
    const reserveServer = spans.find(
      (span) => span.service === 'catalog-service' && span.kind === 2 && span.name.endsWith('/ReserveStock'),
    )!;
    const reserveClient = parentOf(spans, reserveServer)!;
    expect(reserveServer.attributes['rpc.response.status_code']).toBe(reserveClient.attributes['rpc.response.status_code']);
    expect(reserveServer.attributes['rpc.response.status_code']).not.toBe('OK');
    expect(reserveServer.statusCode).toBe(0);
    expect(reserveClient).toMatchObject({ service: 'orders-service', kind: 3, statusCode: 2 });
    expect(reserveClient.attributes['error.type']).toBe(reserveClient.attributes['rpc.response.status_code']);
    const compensation = spans.find(named('orders-service', 'order.placement.compensate'))!;
    expect(compensation.parentSpanId).toBe(placement.spanId);
    expect(compensation.attributes['triad.compensation.outcome']).toBe('done');
    expect(compensation.startTimeUnixNano).toBeGreaterThan(reservation.startTimeUnixNano);
    const release = spans.find((span) => span.service === 'catalog-service' && span.name.endsWith('/ReleaseStock'))!;
    expect(descendsFrom(spans, release, compensation)).toBe(true);
  });

  it("follows a GraphQL query through the gateway's query plan to each subgraph and its database", async () => {
    const { token } = await signIn(DEMO_ACCOUNTS.alice.email, DEMO_ACCOUNTS.alice.password);
    const { traceparent, traceId, spanId } = newTraceparent();
    const response = await fetch(gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, traceparent },
      body: JSON.stringify({ query: 'query MyOrders { me { orders(first: 5) { nodes { items { product { name } } } } } }' }),
    });
    const body = (await response.json()) as { data?: { me: { orders: { nodes: unknown[] } } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.me.orders.nodes.length).toBeGreaterThan(0);

    const subgraphRequest = (service: string) => (span: ReceivedSpan) =>
      span.service === service && span.kind === 2 && span.attributes['http.route'] === '/graphql';
    const spans = await traceWith(traceId, {
      'the gateway request': subgraphRequest('graphql-gateway'),
      'the users subgraph': subgraphRequest('users-service'),
      'the orders subgraph': subgraphRequest('orders-service'),
      'the catalog subgraph': subgraphRequest('catalog-service'),
      'an orders query': (span) => span.service === 'orders-service' && span.attributes['db.system.name'] === 'postgresql',
      'a catalog query': (span) => span.service === 'catalog-service' && span.attributes['db.system.name'] === 'postgresql',
    });
    expectConnected(spans, spanId);
    const edge = spans.find(subgraphRequest('graphql-gateway'))!;
    expect(edge.parentSpanId).toBe(spanId);
    // Each subgraph fetch of the plan is a client span of the gateway, parent of that subgraph's server span.
    for (const service of ['users-service', 'orders-service', 'catalog-service']) {
      const server = spans.find(subgraphRequest(service))!;
      expect(parentOf(spans, server), service).toMatchObject({ service: 'graphql-gateway', kind: 3 });
      expect(descendsFrom(spans, server, edge), service).toBe(true);
    }
    const logged = new Set(logs.filter(({ entry }) => entry['trace_id'] === traceId).map(({ process }) => process));
    expect([...logged].sort()).toEqual(['catalog-service', 'graphql-gateway', 'orders-service', 'users-service']);
  });
});

describe('server spans', () => {
  it('are named by route, with the path but never the query string', async () => {
    const product = await productInStock();
    const { traceparent, traceId, spanId } = newTraceparent();
    const response = await fetch(`${rest}/v1/products/${product.id}?api_key=query-secret`, { headers: { traceparent } });
    await response.arrayBuffer();

    const isEdge = (span: ReceivedSpan) => span.service === 'rest-api' && span.kind === 2;
    const edge = (await traceWith(traceId, { 'the REST request': isEdge })).find(isEdge)!;
    expect(edge.parentSpanId).toBe(spanId);
    expect(edge.name).toBe('GET /v1/products/:id');
    expect(edge.attributes).toMatchObject({
      'http.route': '/v1/products/:id',
      'url.path': `/v1/products/${product.id}`,
      'http.response.status_code': response.status,
    });
    expect(JSON.stringify(edge.attributes)).not.toContain('query-secret');
  });

  it('cover a URL the router refuses before any route runs, in the caller’s trace', async () => {
    const { traceparent, traceId, spanId } = newTraceparent();
    const response = await fetch(`${rest}/v1/products/%E0%A4%A?api_key=query-secret`, { headers: { traceparent } });
    expect(response.status).toBe(400);
    expect(response.headers.get('traceparent')).toContain(traceId);

    const isEdge = (span: ReceivedSpan) => span.service === 'rest-api' && span.kind === 2;
    const edge = (await traceWith(traceId, { 'the refused request': isEdge })).find(isEdge)!;
    expect(edge.parentSpanId).toBe(spanId);
    expect(edge.name).toBe('GET');
    expect(edge.attributes).toMatchObject({ 'url.path': '/v1/products/%E0%A4%A', 'http.response.status_code': 400 });
    expect(JSON.stringify(edge.attributes)).not.toContain('query-secret');
  });

  it('leave the span of a request the API refuses unset: the client’s mistake, not the server’s', async () => {
    const { traceparent, traceId } = newTraceparent();
    const response = await fetch(`${rest}/v1/products/${randomUUID()}`, { headers: { traceparent } });
    expect(response.status).toBe(404);

    const isEdge = (span: ReceivedSpan) => span.service === 'rest-api' && span.kind === 2;
    const edge = (await traceWith(traceId, { 'the refused request': isEdge })).find(isEdge)!;
    expect(edge).toMatchObject({ name: 'GET /v1/products/:id', statusCode: 0 });
    expect(edge.attributes['http.response.status_code']).toBe(404);
  });

  it('cover a POST whose body arrives after its headers, down to the services it calls', async () => {
    const { token } = await signIn(DEMO_ACCOUNTS.alice.email, DEMO_ACCOUNTS.alice.password);
    const product = await productInStock();
    const { traceparent, traceId, spanId } = newTraceparent();
    const body = JSON.stringify({ items: [{ product_id: product.id, quantity: 1 }] });
    const head = [
      'POST /v1/orders HTTP/1.1',
      'host: 127.0.0.1',
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(body)}`,
      `authorization: Bearer ${token}`,
      `idempotency-key: ${randomUUID()}`,
      `traceparent: ${traceparent}`,
      'connection: close',
      '',
      '',
    ].join('\r\n');
    // The body is read in callbacks of the socket, not of the request: the handler still runs in its trace.
    const response = await rawExchange(rest, [head, body], { gapMs: 200 });
    expect(response.status).toBe(201);

    const spans = await traceWith(traceId, {
      'the REST request': (span) => span.service === 'rest-api' && span.kind === 2 && span.attributes['http.route'] === '/v1/orders',
      'the placement': named('orders-service', 'order.placement'),
    });
    expectConnected(spans, spanId);
    // The handler forwarded the request's id with its gRPC call, as it does when the body comes at once.
    const requestId = response.headers.get('x-request-id');
    const placementLines = logs.filter(({ process, entry }) => process === 'orders-service' && entry['requestId'] === requestId);
    expect(placementLines.length).toBeGreaterThan(0);
    expect(placementLines.every(({ entry }) => entry['trace_id'] === traceId)).toBe(true);
  });

  it('cover the sign-in steps the authorization server finishes past Fastify', async () => {
    const discovery = await discover(`${rest}/oidc`);
    await authorizeWithPkce(discovery, DEMO_ACCOUNTS.carol, { scope: 'openid orders:read' });

    // Both steps end in oidc-provider writing the redirect itself (a hijacked reply): their spans still end.
    const step = (name: string) => (span: ReceivedSpan) =>
      span.service === 'users-service' && span.kind === 2 && String(span.attributes['http.route']).endsWith(`/:uid/${name}`);
    const spans = await receiver.waitFor((all) => all.some(step('login')) && all.some(step('consent')), 'the sign-in steps');
    for (const name of ['login', 'consent']) {
      expect(spans.find(step(name))?.attributes['http.response.status_code'], name).toBe(303);
    }
  });

  it('cover what the authorization server answers outside Fastify’s routes', async () => {
    const { traceparent, traceId, spanId } = newTraceparent();
    const response = await fetch(`${system.authServerUrl}/oidc/.well-known/openid-configuration`, { headers: { traceparent } });
    expect(response.status).toBe(200);
    await response.arrayBuffer();

    const isServer = (span: ReceivedSpan) => span.service === 'users-service' && span.kind === 2;
    const server = (await traceWith(traceId, { 'the discovery request': isServer })).find(isServer)!;
    expect(server.parentSpanId).toBe(spanId);
    expect(server.attributes['http.response.status_code']).toBe(200);
  });
});

describe('streams', () => {
  it('links each status event delivered over SSE and a GraphQL subscription to the trace that changed the order', async () => {
    const buyer = await signUp();
    const admin = await signIn(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password);
    const product = await productInStock();
    const placed = await placeOrder(buyer.token, product.id, 1);
    expect(placed.status).toBe(201);
    const orderId = ((await placed.json()) as { id: string }).id;

    const sse = new AbortController();
    const events = await fetch(`${rest}/v1/orders/${orderId}/events`, {
      headers: { authorization: `Bearer ${buyer.token}`, accept: 'text/event-stream' },
      signal: sse.signal,
    });
    expect(events.status).toBe(200);
    const received = readEvents(events.body!);
    const subscription = subscribe(orderId, buyer.token);
    try {
      await received.waitFor((text) => text.includes('"status":"pending"'));
      await subscription.waitFor((messages) => messages.some((message) => message.includes('PENDING')));

      const { traceparent, traceId } = newTraceparent();
      const confirmed = await fetch(`${rest}/v1/orders/${orderId}:transition`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}`, traceparent },
        body: JSON.stringify({ status: 'confirmed' }),
      });
      expect(confirmed.status).toBe(200);
      await received.waitFor((text) => text.includes('"status":"confirmed"'));
      await subscription.waitFor((messages) => messages.some((message) => message.includes('CONFIRMED')));

      // The confirmed deliveries themselves: each stream also delivered the pending status before, and the spans
      // of one process reach the receiver in its own batches, so a delivery of another status proves nothing.
      const confirmedFrom = (kind: string) => (span: ReceivedSpan) =>
        span.name === 'order.status.deliver' &&
        span.attributes['triad.stream.kind'] === kind &&
        span.attributes['triad.order.id'] === orderId &&
        String(span.attributes['triad.order.status']).toLowerCase().includes('confirmed');
      await receiver.waitFor(
        (spans) => spans.some(confirmedFrom('sse')) && spans.some(confirmedFrom('graphql_subscription')),
        'the confirmed status delivered over both streams',
      );
      for (const kind of ['sse', 'graphql_subscription']) {
        const confirmedDelivery = receiver.spans().find(confirmedFrom(kind));
        // Its own trace, linked to the admin's request (whose trace reached orders-service's UPDATE and NOTIFY).
        expect(confirmedDelivery?.traceId, kind).not.toBe(traceId);
        expect(
          confirmedDelivery?.links.map((link) => link.traceId),
          kind,
        ).toEqual([traceId]);
      }
      const change = await traceWith(traceId, {
        'the status update': (span) => span.service === 'orders-service' && span.kind === 2 && span.name.endsWith('/UpdateOrderStatus'),
      });
      expect(change.some((span) => span.service === 'orders-service' && span.attributes['db.operation.name'] === 'UPDATE')).toBe(true);
    } finally {
      sse.abort();
      subscription.close();
    }
  });
});

describe('metrics', () => {
  it('move by exactly the traffic sent', async () => {
    const { token } = await signIn(DEMO_ACCOUNTS.carol.email, DEMO_ACCOUNTS.carol.password);
    const product = await productInStock();
    const before = await scrapeAll();

    for (let placed = 0; placed < 3; placed += 1) expect((await placeOrder(token, product.id, 1)).status).toBe(201);
    expect((await placeOrder(token, product.id, 100)).status).toBe(422);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const wrong = await fetch(`${rest}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `nobody-${randomUUID()}@example.com`, password: 'not-the-password' }),
      });
      expect(wrong.status).toBe(401);
    }
    const query = await fetch(gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query CountedProducts { products(first: 1) { nodes { id } } }' }),
    });
    expect(query.status).toBe(200);
    // A method no route has, which a client picks: counted, under one label for all such methods.
    const odd = await fetch(`${rest}/v1/products`, { method: 'PROPFIND' });
    expect(odd.status).toBe(405);
    // A URL the router refuses before any route runs.
    expect((await fetch(`${rest}/v1/products/%E0%A4%A`)).status).toBe(400);

    const after = await scrapeAll();
    const moved = (process: keyof typeof metricsUrls, name: string, labels: Record<string, string> = {}) =>
      sum(after[process], name, labels) - sum(before[process], name, labels);

    // REST: three created, one conflict, two refused sign-ins, by route and status.
    expect(moved('rest', 'http_server_request_duration_count', { http_route: '/v1/orders', http_response_status_code: '201' })).toBe(3);
    expect(moved('rest', 'http_server_request_duration_count', { http_route: '/v1/orders', http_response_status_code: '422' })).toBe(1);
    expect(moved('rest', 'http_server_request_duration_count', { http_route: '/v1/auth/token', http_response_status_code: '401' })).toBe(2);
    expect(moved('rest', 'http_server_request_duration_count', { http_request_method: '_OTHER', http_response_status_code: '405' })).toBe(
      1,
    );
    expect(JSON.stringify(after.rest)).not.toContain('PROPFIND');
    expect(moved('rest', 'http_server_request_duration_count', { http_request_method: 'GET', http_response_status_code: '400' })).toBe(1);
    // gRPC, at both ends of each call.
    const placeOrderCalls = { rpc_method: 'triad.orders.v1.OrdersService/PlaceOrder' };
    expect(moved('rest', 'rpc_client_call_duration_count', { ...placeOrderCalls, rpc_response_status_code: 'OK' })).toBe(3);
    expect(moved('orders', 'rpc_server_call_duration_count', { ...placeOrderCalls, rpc_response_status_code: 'OK' })).toBe(3);
    expect(moved('orders', 'rpc_server_call_duration_count', { ...placeOrderCalls, rpc_response_status_code: 'FAILED_PRECONDITION' })).toBe(
      1,
    );
    expect(moved('catalog', 'rpc_server_call_duration_count', { rpc_method: 'triad.catalog.v1.CatalogService/ReserveStock' })).toBe(4);
    // The refused placement failed for its caller, not for the server that refused it (as their spans say).
    const refused = { ...placeOrderCalls, rpc_response_status_code: 'FAILED_PRECONDITION' };
    expect(moved('rest', 'rpc_client_call_duration_count', { ...refused, error_type: 'FAILED_PRECONDITION' })).toBe(1);
    expect(moved('orders', 'rpc_server_call_duration_count', { ...refused, error_type: 'FAILED_PRECONDITION' })).toBe(0);
    // A client's calls by the server they went to.
    const clientCall = after.rest.find(
      ({ name, labels }) => name === 'rpc_client_call_duration_count' && labels['rpc_method'] === placeOrderCalls.rpc_method,
    );
    expect(clientCall?.labels).toMatchObject({ server_address: expect.any(String), server_port: expect.stringMatching(/^\d+$/) });
    // GraphQL, by operation.
    expect(moved('gateway', 'graphql_server_request_duration_count', { graphql_operation_name: 'CountedProducts' })).toBe(1);
    // What the shop watches.
    expect(moved('orders', 'triad_orders_placed_total')).toBe(3);
    expect(moved('orders', 'triad_orders_rejected_total', { reason: 'CATALOG.OUT_OF_STOCK' })).toBe(1);
    expect(moved('orders', 'triad_orders_compensated_total', { outcome: 'done' })).toBe(1);
    expect(moved('catalog', 'triad_stock_reservations_held')).toBe(3);
    expect(moved('users', 'triad_sign_ins_failed_total')).toBe(2);
    expect(sum(after.orders, 'triad_order_placements_unfinished')).toBe(0);
    // A counter nothing has moved yet is there, at 0, for rate() and dashboards.
    expect(after.users.filter((sample) => sample.name === 'triad_sign_ins_throttled_total').map((sample) => sample.value)).toEqual([0]);
    // The database and the runtime.
    expect(moved('orders', 'db_client_operation_duration_count', { db_operation_name: 'INSERT' })).toBeGreaterThanOrEqual(6);
    for (const process of Object.keys(metricsUrls) as (keyof typeof metricsUrls)[]) {
      expect(sum(after[process], 'process_memory_usage'), process).toBeGreaterThan(10_000_000);
      expect(
        after[process].some((sample) => sample.name === 'nodejs_eventloop_delay_p99'),
        process,
      ).toBe(true);
    }
  });

  it("count the product cache's hits and misses, one per product read by id", async () => {
    // Sold out, so no order changes it (a change empties the cache of it) while it is read.
    const listed = (await (await fetch(`${rest}/v1/products?page_size=50`)).json()) as {
      products: { id: string; stock_on_hand: number }[];
    };
    const soldOut = listed.products.find((product) => product.stock_on_hand === 0);
    if (!soldOut) throw new Error('no demo product is sold out');
    const before = await scrapeAll();

    for (let read = 0; read < 3; read += 1) expect((await fetch(`${rest}/v1/products/${soldOut.id}`)).status).toBe(200);

    const after = await scrapeAll();
    const moved = (result: string) =>
      sum(after.catalog, 'triad_product_cache_lookups_total', { result }) -
      sum(before.catalog, 'triad_product_cache_lookups_total', { result });
    // The first read may find it cached already (an earlier spec read it); the next two certainly do.
    expect(moved('hit') + moved('miss')).toBe(3);
    expect(moved('hit')).toBeGreaterThanOrEqual(2);
  });

  it('keeps probes and scrapes out of the traffic figures, and answers /metrics in the Prometheus text format', async () => {
    const response = await fetch(metricsUrls.rest);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP http_server_request_duration /m);
    expect(text).not.toMatch(/http_route="\/(metrics|healthz|readyz)"/);
  });
});

it('exports no secret in any span', async () => {
  const exported = JSON.stringify(receiver.spans().map((span) => span.attributes));
  expect(exported.length).toBeGreaterThan(1_000);
  for (const secret of [BUYER_PASSWORD, ...Object.values(DEMO_ACCOUNTS).map((account) => account.password)]) {
    expect(exported).not.toContain(secret);
  }
  expect(exported).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrapeAll(): Promise<Record<keyof typeof metricsUrls, Sample[]>> {
  const entries = await Promise.all(
    Object.entries(metricsUrls).map(async ([process, url]) => [process, parseExposition(await (await fetch(url)).text())] as const),
  );
  return Object.fromEntries(entries) as Record<keyof typeof metricsUrls, Sample[]>;
}

/** Prometheus' text format, as far as these metrics use it (no escaped quotes in label values). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function sum(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((total, sample) => total + sample.value, 0);
}

/** The text of an event stream as it arrives. */
function readEvents(body: ReadableStream<Uint8Array>) {
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  })().catch(() => undefined);
  return {
    reading,
    waitFor: (done: (text: string) => boolean) =>
      waitUntil(
        () => done(text),
        () => `event stream so far:\n${text}`,
      ),
  };
}

/** A graphql-ws subscription to an order's status, with Node's WebSocket, keeping every message's text. */
function subscribe(orderId: string, token: string) {
  const messages: string[] = [];
  const socket = new WebSocket(gateway.replace(/^http/, 'ws'), 'graphql-transport-ws');
  socket.addEventListener('open', () =>
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
  );
  socket.addEventListener('message', (event) => {
    const message = String(event.data);
    messages.push(message);
    if ((JSON.parse(message) as { type: string }).type === 'connection_ack') {
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }', variables: { id: orderId } },
        }),
      );
    }
  });
  return {
    waitFor: (done: (messages: string[]) => boolean) =>
      waitUntil(
        () => done(messages),
        () => `subscription messages:\n${messages.join('\n')}`,
      ),
    close: () => socket.close(),
  };
}

async function waitUntil(done: () => boolean, describe: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out; ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
