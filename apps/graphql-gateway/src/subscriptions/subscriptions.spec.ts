import { randomUUID } from 'node:crypto';
import type { RunningService } from '@triad/platform';
import { startFaultProxy, type SignedInAccount } from '@triad/testing';
import type { FormattedExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { postGraphQL, startTestGateway, subscribe, type SubscriptionEnd } from '../testing/gateway-client.js';
import { startGraphServices, type GraphServices } from '../testing/graph-services.js';
import { startSubgraphProxy, type SubgraphProxy } from '../testing/subgraph-proxy.js';
import { OrderWatchService } from './order-watch.service.js';

const WATCH = `
  subscription Watch($orderId: ID!) {
    orderStatusChanged(orderId: $orderId) {
      status
      changedAt
      order { id status items { quantity product { name } } user { name } }
    }
  }`;

/** Waits for what real services do in their own time: a busy 2-core machine can take well over vi.waitFor's 1 s. */
const eventually = <T>(assertion: () => T | Promise<T>, timeout = 10_000) => vi.waitFor(assertion, { timeout, interval: 20 });

describe('orderStatusChanged', () => {
  let services: GraphServices;
  /** The network between the gateway and users-service's subgraph, which one test breaks. */
  let toUsers: SubgraphProxy;
  let gateway: RunningService;
  let buyer: SignedInAccount;
  let alice: string;
  let bob: string;
  let lamp: string;
  let chair: string;

  /** An order of Alice's, as she places it: two lamps and a chair, PENDING. */
  const placeOrder = () =>
    services.placeOrder(buyer, [
      { productId: lamp, quantity: 2 },
      { productId: chair, quantity: 1 },
    ]);
  /** The gateway's WatchOrder calls open now; orders-service's own spec checks that a cancelled call ends its watch there. */
  const openWatches = (on = gateway) => on.app.get(OrderWatchService).openCalls;

  beforeAll(async () => {
    services = await startGraphServices('catalog-service', 'orders-service');
    toUsers = await startSubgraphProxy(services.gatewayEnv['USERS_SUBGRAPH_URL']!);
    // Every test's connections come from this one address: the per-client cap has a test of its own below.
    gateway = await startTestGateway({
      ...services.gatewayEnv,
      USERS_SUBGRAPH_URL: toUsers.url,
      GRAPHQL_MAX_CONNECTIONS_PER_CLIENT: '1000',
    });
    buyer = services.accounts.alice;
    [alice, bob] = [buyer.token, services.accounts.bob.token];
    [lamp, chair] = await Promise.all([services.addProduct('Desk lamp'), services.addProduct('Office chair')]);
  });
  afterAll(async () => {
    await gateway?.close();
    await toUsers?.close();
    await services?.stop();
  });

  it('sends the current status, then each change with the order resolved through every subgraph, and completes at a final status', async () => {
    const orderId = await placeOrder();
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId } }, { token: alice, headers: { 'x-request-id': 'watch-1' } });

    // An admin moves the order along, over orders-service's gRPC API, as the warehouse does.
    await eventually(() => expect(watch.results).toHaveLength(1));
    await services.moveOrder(orderId, 'CONFIRMED');
    await eventually(() => expect(watch.results).toHaveLength(2));
    await services.moveOrder(orderId, 'SHIPPED');
    await eventually(() => expect(watch.results).toHaveLength(3));
    await services.moveOrder(orderId, 'DELIVERED');

    expect(await watch.ended).toEqual({});
    const items = [
      { quantity: 2, product: { name: 'Desk lamp' } },
      { quantity: 1, product: { name: 'Office chair' } },
    ];
    expect(watch.results.map((result) => result.data?.['orderStatusChanged'])).toEqual(
      ['PENDING', 'CONFIRMED', 'SHIPPED', 'DELIVERED'].map((status) => ({
        status,
        changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        order: { id: orderId, status, items, user: { name: 'Alice Customer' } },
      })),
    );
    // Each event's order came through every subgraph under the subscriber's request id (and token: the
    // orders subgraph shows an order only to its owner and admins).
    const subgraphRequests = (await services.requestsServed('watch-1')).filter(({ path }) => path === '/graphql');
    const servedBy = new Set(subgraphRequests.map(({ service }) => service));
    expect(servedBy).toEqual(new Set(['users-service', 'catalog-service', 'orders-service']));
    await watch.close();
    expect(openWatches()).toBe(0);
  });

  it('answers the selection as written: aliases, fragments, variables and directives', async () => {
    const orderId = await placeOrder();
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
        variables: { orderId, withBuyer: true },
      },
      { token: alice },
    );

    await eventually(() => expect(watch.results).toHaveLength(1));

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

  it('fails the order of the events sent while a subgraph it needs is down, and sends whole ones once it is back', async () => {
    const orderId = await placeOrder();
    // The order comes from orders-service; its user's name would come from users-service.
    toUsers.down();
    const watch = subscribe(
      gateway,
      {
        query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status order { status user { name } } } }',
        variables: { id: orderId },
      },
      { token: alice },
    );
    try {
      await eventually(() => expect(watch.results).toHaveLength(1));
      toUsers.heal();
      await services.moveOrder(orderId, 'CONFIRMED');
      await eventually(() => expect(watch.results).toHaveLength(2));

      expect(watch.results).toEqual([
        {
          data: null,
          errors: [
            {
              message: 'The users service is unavailable; try again shortly.',
              path: ['orderStatusChanged', 'order'],
              locations: expect.any(Array),
              extensions: { code: 'SERVICE_UNAVAILABLE', errorCode: 'GATEWAY.SUBGRAPH_UNAVAILABLE' },
            },
          ],
        },
        { data: { orderStatusChanged: { status: 'CONFIRMED', order: { status: 'CONFIRMED', user: { name: 'Alice Customer' } } } } },
      ]);
    } finally {
      toUsers.heal();
      await watch.close();
    }
  });

  it("lets an admin watch anyone's order", async () => {
    const orderId = await placeOrder();
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId } }, { token: services.accounts.admin.token });

    await eventually(() => expect(watch.results).toHaveLength(1));

    expect(watch.results[0]?.data?.['orderStatusChanged']).toMatchObject({
      status: 'PENDING',
      order: { user: { name: 'Alice Customer' } },
    });
    await watch.close();
  });

  it("fails with NOT_FOUND for someone else's order, as for one that does not exist", async () => {
    const aliceOrder = await placeOrder();

    for (const orderId of [aliceOrder, randomUUID()]) {
      const watch = subscribe(gateway, { query: WATCH, variables: { orderId } }, { token: bob });

      expect(await watch.ended).toEqual({
        errors: [{ message: `No order has the id ${orderId}.`, extensions: { code: 'NOT_FOUND', errorCode: 'ORDERS.NOT_FOUND' } }],
      });
      expect(watch.results).toEqual([]);
      await watch.close();
    }
    expect(openWatches()).toBe(0);
  });

  it('fails with UNAUTHENTICATED for an anonymous subscriber', async () => {
    const orderId = await placeOrder();
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId } });

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
    const orderId = await placeOrder();
    const watch = subscribe(
      gateway,
      { query: WATCH, variables: { orderId } },
      { token: 'not.a.token', headers: { 'x-request-id': 'bad-token-1' } },
    );

    expect(await watch.ended).toEqual({
      errors: [
        {
          message: 'The access token is not valid: sign in again.',
          extensions: { code: 'UNAUTHENTICATED', errorCode: 'AUTH.UNAUTHENTICATED' },
        },
      ],
    });
    expect(await services.requestsServed('bad-token-1')).toEqual([]);
    await watch.close();
  });

  it("takes the token from the upgrade request's Authorization header when connectionParams carry none", async () => {
    const orderId = await placeOrder();
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId } }, { headers: { authorization: `Bearer ${alice}` } });

    await eventually(() => expect(watch.results).toHaveLength(1));

    expect(watch.results[0]?.data?.['orderStatusChanged']).toMatchObject({ status: 'PENDING' });
    await watch.close();
  });

  it('cancels the WatchOrder call of every subscription a client leaves: 100 opened and dropped leave none open', async () => {
    const orderId = await placeOrder();
    const watches = Array.from({ length: 100 }, () =>
      subscribe(
        gateway,
        { query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }', variables: { id: orderId } },
        { token: alice },
      ),
    );
    await eventually(() => expect(watches.every((watch) => watch.results.length === 1)).toBe(true), 20_000);
    expect(openWatches()).toBe(100);

    // A third stop listening, a third close their connection, a third lose their network.
    watches.forEach((watch, index) => [watch.unsubscribe, watch.close, watch.drop][index % 3]!());

    await eventually(() => expect(openWatches()).toBe(0));
    await Promise.all(watches.map((watch) => watch.close()));
  });

  it('refuses a subscription past the 10 one connection may hold with RATE_LIMITED, while the other 10 carry on', async () => {
    const orderId = await placeOrder();
    const connection = connect(gateway, alice);
    const watch = () =>
      connection.subscribe({
        query: 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status } }',
        variables: { id: orderId },
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
    await eventually(() => expect(open.map((each) => each.results.length)).toEqual(Array(10).fill(1)));
    await services.moveOrder(orderId, 'CONFIRMED');
    await eventually(() =>
      expect(open.map((each) => each.results.at(-1)?.data)).toEqual(Array(10).fill({ orderStatusChanged: { status: 'CONFIRMED' } })),
    );
    // The cap is per connection: another one of the same user's starts its own.
    const elsewhere = subscribe(gateway, { query: WATCH, variables: { orderId } }, { token: alice });
    await eventually(() => expect(elsewhere.results).toHaveLength(1));
    await elsewhere.close();

    // A subscription that ends makes room for the next.
    open[0]!.unsubscribe();
    const next = watch();
    await eventually(() => expect(next.results).toEqual([{ data: { orderStatusChanged: { status: 'CONFIRMED' } } }]));
    await eventually(() => expect(openWatches()).toBe(10));
    await connection.close();
    await eventually(() => expect(openWatches()).toBe(0));
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

  it('fails with SERVICE_UNAVAILABLE when orders-service cannot be reached, and ends a watch it loses', async () => {
    const toOrders = await startFaultProxy(services.addresses['orders-service']!.grpc);
    const cutOff = await startTestGateway({ ...services.gatewayEnv, ORDERS_SERVICE_ADDR: toOrders.address });
    const unavailable = {
      errors: [
        {
          message: 'orders-service is unavailable; try again shortly.',
          extensions: { code: 'SERVICE_UNAVAILABLE', errorCode: 'UPSTREAM.UNAVAILABLE' },
        },
      ],
    };
    try {
      const orderId = await placeOrder();
      const lost = subscribe(cutOff, { query: WATCH, variables: { orderId } }, { token: alice });
      await eventually(() => expect(lost.results).toHaveLength(1));

      toOrders.down();

      expect(await lost.ended).toEqual(unavailable);
      const refused = subscribe(cutOff, { query: WATCH, variables: { orderId } }, { token: alice });
      expect(await refused.ended).toEqual(unavailable);
      expect(openWatches(cutOff)).toBe(0);
      await Promise.all([lost.close(), refused.close()]);
    } finally {
      await cutOff.close();
      await toOrders.close();
    }
  });

  it('ends open subscriptions and their WatchOrder calls when the gateway shuts down', async () => {
    const leaving = await startTestGateway(services.gatewayEnv);
    const orderId = await placeOrder();
    const watch = subscribe(leaving, { query: WATCH, variables: { orderId } }, { token: alice });
    await eventually(() => expect(watch.results).toHaveLength(1));
    expect(openWatches(leaving)).toBe(1);

    await leaving.close();

    expect(await watch.ended).toEqual({ closed: true });
    expect(openWatches(leaving)).toBe(0);
  });

  it('refuses a client more WebSocket connections than the cap, in the gateway error shape, and frees a slot on close', async () => {
    const capped = await startTestGateway({ ...services.gatewayEnv, GRAPHQL_MAX_CONNECTIONS_PER_CLIENT: '2' });
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
      await eventually(async () => {
        const again = await open();
        again.socket.close();
        expect(again.status).toBeUndefined();
      });
      second.socket.close();
    } finally {
      await capped.close();
    }
  });

  it("caps each client behind a trusted proxy (TRUSTED_PROXIES) by its forwarded address, not the proxy's", async () => {
    // The test's sockets come from the loopback address, which plays the Ingress controller here.
    const behindProxy = await startTestGateway({
      ...services.gatewayEnv,
      GRAPHQL_MAX_CONNECTIONS_PER_CLIENT: '1',
      TRUSTED_PROXIES: '127.0.0.1,::1',
    });
    const url = `${behindProxy.httpUrl.replace(/^http/, 'ws')}/graphql`;
    const open = (client: string) =>
      new Promise<{ socket: WebSocket; status?: number }>((resolve) => {
        const socket = new WebSocket(url, 'graphql-transport-ws', { headers: { 'x-forwarded-for': client } });
        socket.on('error', () => undefined);
        socket.once('open', () => resolve({ socket }));
        socket.once('unexpected-response', (_request, response) => resolve({ socket, status: response.statusCode ?? 0 }));
      });
    const sockets: WebSocket[] = [];
    try {
      const first = await open('198.51.100.1');
      const sameClient = await open('198.51.100.1');
      const otherClient = await open('198.51.100.2');
      sockets.push(first.socket, sameClient.socket, otherClient.socket);

      expect(first.status).toBeUndefined();
      expect(sameClient.status).toBe(429);
      expect(otherClient.status).toBeUndefined();
    } finally {
      for (const socket of sockets) socket.close();
      await behindProxy.close();
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
