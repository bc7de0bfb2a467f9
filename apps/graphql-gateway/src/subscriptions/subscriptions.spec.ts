import type { RunningService } from '@triad/platform';
import { freePort } from '@triad/testing';
import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { postGraphQL, startTestGateway, subscribe, type SubscriptionEnd } from '../testing/gateway-client.js';
import { startStandInGraph, type StandInGraph } from '../testing/stand-in-graph.js';
import { OrderWatchService } from './order-watch.service.js';

const WATCH = `
  subscription Watch($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      status
      changedAt
      order { id status items { quantity product { name } } user { name } }
    }
  }`;

describe('orderStatusChanged', () => {
  let graph: StandInGraph;
  let gateway: RunningService;
  let alice: string;
  let bob: string;

  /** WatchOrder calls open on both ends: the gateway's count and the stand-in server's. */
  const openWatches = () => ({ gateway: gateway.app.get(OrderWatchService).openCalls, server: graph.orders.openWatches });
  const noneOpen = { gateway: 0, server: 0 };

  beforeAll(async () => {
    graph = await startStandInGraph();
    // Every test's connections come from this one address: the per-client cap has a test of its own below.
    gateway = await startTestGateway({ ...graph.environment, GRAPHQL_MAX_CONNECTIONS_PER_CLIENT: '1000' });
    [alice, bob] = await Promise.all([graph.tokenFor('alice'), graph.tokenFor('bob')]);
  });
  afterAll(async () => {
    await gateway?.close();
    await graph?.stop();
  });

  it('sends the current status, then each change with the order resolved through every subgraph, and completes at a final status', async () => {
    const order = graph.placeOrder('alice');
    const watch = subscribe(
      gateway,
      { query: WATCH, variables: { orderId: order.id } },
      { token: alice, headers: { 'x-request-id': 'watch-1' } },
    );

    await vi.waitFor(() => expect(watch.results).toHaveLength(1));
    graph.orders.move(order.id, 'CONFIRMED');
    await vi.waitFor(() => expect(watch.results).toHaveLength(2));
    graph.orders.move(order.id, 'DELIVERED');

    expect(await watch.ended).toEqual({});
    const items = [
      { quantity: 2, product: { name: 'Desk lamp' } },
      { quantity: 1, product: { name: 'Office chair' } },
    ];
    expect(watch.results.map((result) => result.data?.['orderStatusChanged'])).toEqual(
      ['PENDING', 'CONFIRMED', 'DELIVERED'].map((status) => ({
        status,
        changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        order: { id: order.id, status, items, user: { name: 'Alice Customer' } },
      })),
    );
    expect(graph.subgraphs.orders.received.at(-1)).toMatchObject({ authorization: `Bearer ${alice}`, 'x-request-id': 'watch-1' });
    await watch.close();
    expect(openWatches()).toEqual(noneOpen);
  });

  it('answers the selection as written: aliases, fragments, variables and directives', async () => {
    const order = graph.placeOrder('alice');
    const watch = subscribe(
      gateway,
      {
        query: `
          subscription ($orderId: ID!, $withBuyer: Boolean!) {
            event: orderStatusChanged(orderId: $orderId) {
              state: status
              order { ...Lines buyer: user @include(if: $withBuyer) { name } }
            }
          }
          fragment Lines on Order { lines: items { count: quantity product { title: name } } }`,
        variables: { orderId: order.id, withBuyer: true },
      },
      { token: alice },
    );

    await vi.waitFor(() => expect(watch.results).toHaveLength(1));

    expect(watch.results[0]).toEqual({
      data: {
        event: {
          state: 'PENDING',
          order: {
            lines: [
              { count: 2, product: { title: 'Desk lamp' } },
              { count: 1, product: { title: 'Office chair' } },
            ],
            buyer: { name: 'Alice Customer' },
          },
        },
      },
    });
    await watch.close();
  });

  it('keeps the rest of the event when a nullable field of the order fails, with the error at that field', async () => {
    const order = graph.placeOrder('alice');
    const watch = subscribe(
      gateway,
      {
        query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status order { user { name email } } } }',
        variables: { id: order.id },
      },
      { token: alice },
    );

    await vi.waitFor(() => expect(watch.results).toHaveLength(1));

    expect(watch.results[0]).toEqual({
      data: { orderStatusChanged: { status: 'PENDING', order: { user: { name: 'Alice Customer', email: null } } } },
      errors: [
        {
          message: 'Only the user and admins can see an email address.',
          path: ['orderStatusChanged', 'order', 'user', 'email'],
          locations: expect.any(Array),
          extensions: { code: 'FORBIDDEN', errorCode: 'AUTH.PERMISSION_DENIED' },
        },
      ],
    });
    await watch.close();
  });

  it("lets an admin watch anyone's order", async () => {
    const order = graph.placeOrder('alice');
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId: order.id } }, { token: await graph.tokenFor('admin') });

    await vi.waitFor(() => expect(watch.results).toHaveLength(1));

    expect(watch.results[0]?.data?.['orderStatusChanged']).toMatchObject({
      status: 'PENDING',
      order: { user: { name: 'Alice Customer' } },
    });
    await watch.close();
  });

  it("fails with NOT_FOUND for someone else's order, as for one that does not exist", async () => {
    const order = graph.placeOrder('alice');

    for (const orderId of [order.id, 'no-such-order']) {
      const watch = subscribe(gateway, { query: WATCH, variables: { orderId } }, { token: bob });

      expect(await watch.ended).toEqual({
        errors: [{ message: `No order has the id ${orderId}.`, extensions: { code: 'NOT_FOUND', errorCode: 'ORDERS.NOT_FOUND' } }],
      });
      expect(watch.results).toEqual([]);
      await watch.close();
    }
    expect(openWatches()).toEqual(noneOpen);
  });

  it('fails with UNAUTHENTICATED for an anonymous subscriber', async () => {
    const order = graph.placeOrder('alice');
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId: order.id } });

    expect(await watch.ended).toEqual({
      errors: [
        {
          message: 'Sign in first: this call needs a valid access token.',
          extensions: { code: 'UNAUTHENTICATED', errorCode: 'AUTH.UNAUTHENTICATED' },
        },
      ],
    });
    await watch.close();
  });

  it('refuses an invalid token without calling orders-service', async () => {
    const order = graph.placeOrder('alice');
    const callsBefore = graph.orders.watchCalls;
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId: order.id } }, { token: 'not.a.token' });

    expect(await watch.ended).toEqual({
      errors: [
        {
          message: 'The access token is not valid: sign in again.',
          extensions: { code: 'UNAUTHENTICATED', errorCode: 'AUTH.UNAUTHENTICATED' },
        },
      ],
    });
    expect(graph.orders.watchCalls).toBe(callsBefore);
    await watch.close();
  });

  it("takes the token from the upgrade request's Authorization header when connectionParams carry none", async () => {
    const order = graph.placeOrder('alice');
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId: order.id } }, { headers: { authorization: `Bearer ${alice}` } });

    await vi.waitFor(() => expect(watch.results).toHaveLength(1));

    expect(watch.results[0]?.data?.['orderStatusChanged']).toMatchObject({ status: 'PENDING' });
    await watch.close();
  });

  it('cancels the WatchOrder call of every subscription a client leaves: 100 opened and dropped leave none open', async () => {
    const order = graph.placeOrder('alice');
    const watches = Array.from({ length: 100 }, () =>
      subscribe(
        gateway,
        { query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }', variables: { id: order.id } },
        { token: alice },
      ),
    );
    await vi.waitFor(() => expect(watches.every((watch) => watch.results.length === 1)).toBe(true), { timeout: 20_000 });
    expect(openWatches()).toEqual({ gateway: 100, server: 100 });

    // A third stop listening, a third close their connection, a third lose their network.
    watches.forEach((watch, index) => [watch.unsubscribe, watch.close, watch.drop][index % 3]!());

    await vi.waitFor(() => expect(openWatches()).toEqual(noneOpen), { timeout: 10_000 });
    await Promise.all(watches.map((watch) => watch.close()));
  });

  it('refuses a subscription past the 10 one connection may hold with RATE_LIMITED, while the other 10 carry on', async () => {
    const order = graph.placeOrder('alice');
    const connection = connect(gateway, alice);
    const watch = () =>
      connection.subscribe({
        query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }',
        variables: { id: order.id },
      });
    const open = Array.from({ length: 10 }, watch);

    const refused = watch();

    expect(await refused.ended).toEqual({
      errors: [
        {
          message:
            'This connection already has 10 subscriptions open, the most one connection may have: complete one before starting another.',
          extensions: { code: 'RATE_LIMITED', errorCode: 'GATEWAY.TOO_MANY_SUBSCRIPTIONS' },
        },
      ],
    });
    await vi.waitFor(() => expect(open.map((each) => each.results.length)).toEqual(Array(10).fill(1)));
    graph.orders.move(order.id, 'CONFIRMED');
    await vi.waitFor(() =>
      expect(open.map((each) => each.results.at(-1)?.data)).toEqual(Array(10).fill({ orderStatusChanged: { status: 'CONFIRMED' } })),
    );
    // The cap is per connection: another one of the same user's starts its own.
    const elsewhere = subscribe(gateway, { query: WATCH, variables: { orderId: order.id } }, { token: alice });
    await vi.waitFor(() => expect(elsewhere.results).toHaveLength(1));
    await elsewhere.close();

    // A subscription that ends makes room for the next.
    open[0]!.unsubscribe();
    const next = watch();
    await vi.waitFor(() => expect(next.results).toEqual([{ data: { orderStatusChanged: { status: 'CONFIRMED' } } }]));
    await vi.waitFor(() => expect(openWatches()).toEqual({ gateway: 10, server: 10 }));
    await connection.close();
    await vi.waitFor(() => expect(openWatches()).toEqual(noneOpen));
  });

  it('holds a subscription to the same limits as a query', async () => {
    const deep = 'user { orders { nodes { user { orders { nodes { user { orders { nodes { id } } } } } } } } }';
    const watch = subscribe(
      gateway,
      { query: `subscription { orderStatusChanged(orderId: "x") { order { ${deep} } } }` },
      { token: alice },
    );

    expect(await watch.ended).toEqual({
      errors: [
        {
          message: 'The operation nests fields 12 levels deep; the limit is 10: ask for fewer nested levels.',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', errorCode: 'GATEWAY.MAX_DEPTH_EXCEEDED' },
        },
      ],
    });
    await watch.close();
  });

  it('serves only subscriptions over the WebSocket, and says where subscriptions go when one comes over HTTP', async () => {
    const query = subscribe(gateway, { query: '{ me { id } }' }, { token: alice });
    expect(await query.ended).toEqual({
      errors: [
        { message: 'This WebSocket serves subscriptions: send queries and mutations over HTTP.', extensions: { code: 'BAD_REQUEST' } },
      ],
    });
    await query.close();

    const { status, body } = await postGraphQL(
      gateway,
      { query: WATCH, variables: { orderId: 'x' } },
      { authorization: `Bearer ${alice}` },
    );

    expect(status).toBe(400);
    expect(body.errors).toEqual([
      {
        message:
          'Subscriptions are served over WebSocket: connect to /graphql with the graphql-transport-ws protocol (the graphql-ws library).',
        extensions: { code: 'BAD_REQUEST', errorCode: 'GATEWAY.SUBSCRIPTION_OVER_HTTP' },
      },
    ]);
  });

  it('fails with SERVICE_UNAVAILABLE when orders-service cannot be reached', async () => {
    const cutOff = await startTestGateway({ ...graph.environment, ORDERS_SERVICE_ADDR: `127.0.0.1:${await freePort()}` });
    try {
      const order = graph.placeOrder('alice');
      const watch = subscribe(cutOff, { query: WATCH, variables: { orderId: order.id } }, { token: alice });

      expect(await watch.ended).toEqual({
        errors: [
          {
            message: 'orders-service is unavailable; try again shortly.',
            extensions: { code: 'SERVICE_UNAVAILABLE', errorCode: 'UPSTREAM.UNAVAILABLE' },
          },
        ],
      });
      await watch.close();
    } finally {
      await cutOff.close();
    }
  });

  it('ends open subscriptions and their WatchOrder calls when the gateway shuts down', async () => {
    const leaving = await startTestGateway(graph.environment);
    const order = graph.placeOrder('alice');
    const watch = subscribe(leaving, { query: WATCH, variables: { orderId: order.id } }, { token: alice });
    await vi.waitFor(() => expect(watch.results).toHaveLength(1));
    expect(graph.orders.openWatches).toBe(1);

    await leaving.close();

    expect(await watch.ended).toEqual({ closed: true });
    await vi.waitFor(() => expect(graph.orders.openWatches).toBe(0));
  });

  it('refuses a client more WebSocket connections than the cap, in the gateway error shape, and frees a slot on close', async () => {
    const capped = await startTestGateway({ ...graph.environment, GRAPHQL_MAX_CONNECTIONS_PER_CLIENT: '2' });
    const url = `${capped.httpUrl.replace(/^http/, 'ws')}/graphql`;
    const open = () =>
      new Promise<{ socket: WebSocket; status?: number; body?: string }>((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws');
        // A refused upgrade also fails the socket; the test reads the answer instead.
        socket.on('error', () => undefined);
        socket.once('open', () => resolve({ socket }));
        socket.once('unexpected-response', (_request, response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ socket, status: response.statusCode ?? 0, body }));
        });
      });
    try {
      const [first, second] = [await open(), await open()];
      const third = await open();
      expect(third.status).toBe(429);
      expect(JSON.parse(third.body ?? '{}').errors[0].extensions).toEqual({
        code: 'RATE_LIMITED',
        errorCode: 'GATEWAY.TOO_MANY_CONNECTIONS',
      });

      first.socket.close();
      await vi.waitFor(async () => {
        const again = await open();
        again.socket.close();
        expect(again.status).toBeUndefined();
      });
      second.socket.close();
    } finally {
      await capped.close();
    }
  });
});

/** One graphql-ws connection holding several subscriptions, as a page that watches many orders opens it. */
function connect(gateway: RunningService, token: string) {
  const client = createClient({
    url: `${gateway.httpUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
  });
  return {
    subscribe(request: { query: string; variables?: Record<string, unknown> }) {
      const results: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];
      let unsubscribe: () => void = () => undefined;
      const ended = new Promise<SubscriptionEnd>((resolve) => {
        unsubscribe = client.subscribe(request, {
          next: (result) => results.push(result),
          error: (error) => resolve(Array.isArray(error) ? { errors: error } : { closed: true }),
          complete: () => resolve({}),
        });
      });
      return { results, ended, unsubscribe };
    },
    close: () => client.dispose(),
  };
}
