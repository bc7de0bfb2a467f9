import { randomUUID } from 'node:crypto';
import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openEventStream, type ServerSentEvent } from '../../testing/event-stream.reader.js';
import { openGrpcCalls } from '../../testing/open-grpc-calls.js';
import { startTestRestApi, type TestRestApi } from '../../testing/rest-api.harness.js';
import type { OrderResource } from '../orders.dto.js';

describe('GET /v1/orders/{id}/events', () => {
  let api: TestRestApi;
  let aliceToken: string;
  let bobToken: string;
  let adminToken: string;

  beforeAll(async () => {
    // Heartbeats every 50 ms instead of every 15 s, so a spec can see them.
    api = await startTestRestApi({ env: { REST_SSE_HEARTBEAT_MS: '50' } });
    aliceToken = api.services.accounts.alice.token;
    bobToken = api.services.accounts.bob.token;
    adminToken = api.services.accounts.admin.token;
  });
  afterAll(() => api?.close());

  /** A pending order of Alice's, or of the customer whose token is `token`. */
  const placeOrder = async (token = aliceToken) => {
    const mug = await api.services.addProduct({ sku: `MUG-${randomUUID()}`, name: 'Blue mug', amountMinor: 1299, stockOnHand: 5 });
    const { body } = await api.call<OrderResource>('POST', '/v1/orders', {
      token,
      body: { items: [{ product_id: mug.id, quantity: 1 }] },
      headers: { 'idempotency-key': randomUUID() },
    });
    return body;
  };
  const watch = (orderId: string, headers: Record<string, string> = {}) =>
    openEventStream(`${api.url}/v1/orders/${orderId}/events`, headers);
  const asAlice = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${aliceToken}`, ...headers });
  const statusOf = (event: ServerSentEvent | undefined) => (JSON.parse(event?.data ?? '{}') as { status?: string }).status;
  /** Moves the order on as the warehouse does, through the API as an admin. */
  const moveTo = async (orderId: string, status: 'confirmed' | 'shipped' | 'delivered' | 'cancelled') => {
    const moved = await api.call('POST', `/v1/orders/${orderId}:transition`, { token: adminToken, body: { status } });
    expect(moved.status, `moving ${orderId} to ${status}`).toBe(200);
  };

  it('sends the current status, then each change as a status event, and ends after the final one', async () => {
    const order = await placeOrder();
    const stream = await watch(order.id, asAlice());

    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('cache-control')).toContain('no-cache');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const pending = await stream.next();
    expect(pending).toEqual({ id: expect.stringMatching(/^\d+$/), event: 'status', data: expect.any(String) });
    expect(JSON.parse(pending!.data!)).toEqual({ order_id: order.id, status: 'pending', changed_at: order.updated_at });

    for (const status of ['confirmed', 'shipped', 'delivered'] as const) await moveTo(order.id, status);
    const changes = await stream.rest();

    expect(changes.map(statusOf)).toEqual(['confirmed', 'shipped', 'delivered']);
    const ids = [pending!, ...changes].map((event) => BigInt(event.id!));
    expect(ids).toEqual([...ids].sort((first, second) => (first < second ? -1 : 1)));
    expect(new Set(ids).size).toBe(4);
  });

  it('lets an admin watch any order', async () => {
    const order = await placeOrder();
    const stream = await watch(order.id, { authorization: `Bearer ${adminToken}` });

    expect(statusOf(await stream.next())).toBe('pending');
    stream.close();
  });

  it('sends a keep-alive comment while the order does not change', async () => {
    const order = await placeOrder();
    const stream = await watch(order.id, asAlice());
    await stream.next();

    const waiting = stream.next();
    await vi.waitFor(() => expect(stream.comments.length).toBeGreaterThanOrEqual(2));
    await moveTo(order.id, 'cancelled');

    expect(stream.comments[0]).toBe('keep-alive');
    expect(statusOf(await waiting)).toBe('cancelled');
    expect(await stream.next()).toBeUndefined();
  });

  it('cancels the call to orders-service when the client goes away', async () => {
    const toOrders = api.upstream.orders.address;
    await vi.waitFor(async () => expect(await openGrpcCalls(toOrders)).toBe(0), { timeout: 5_000 });
    const order = await placeOrder();
    const stream = await watch(order.id, asAlice());
    await stream.next();
    expect(await openGrpcCalls(toOrders)).toBe(1);

    stream.close();

    await vi.waitFor(async () => expect(await openGrpcCalls(toOrders)).toBe(0), { timeout: 5_000 });
  });

  it('sends a client that reconnects with Last-Event-ID only the changes it has not seen', async () => {
    const order = await placeOrder();
    const first = await watch(order.id, asAlice());
    await first.next();
    await moveTo(order.id, 'confirmed');
    const confirmed = await first.next();
    first.close();
    await moveTo(order.id, 'shipped');

    const again = await watch(order.id, asAlice({ 'last-event-id': confirmed!.id! }));
    const shipped = await again.next();
    await moveTo(order.id, 'delivered');
    const rest = await again.rest();

    expect(statusOf(confirmed)).toBe('confirmed');
    expect([shipped, ...rest].map(statusOf)).toEqual(['shipped', 'delivered']);
    expect(BigInt(shipped!.id!)).toBeGreaterThan(BigInt(confirmed!.id!));
  });

  it('sends nothing more, not even the current status, when the client has seen it and no change happened', async () => {
    const order = await placeOrder();
    const first = await watch(order.id, asAlice());
    const pending = await first.next();
    first.close();

    const again = await watch(order.id, asAlice({ 'last-event-id': pending!.id! }));
    const waiting = again.next();
    await moveTo(order.id, 'confirmed');

    expect(again.status).toBe(200);
    expect(statusOf(await waiting)).toBe('confirmed');
    again.close();
  });

  it('answers 204 to a client that has already seen the final status, so an EventSource stops reconnecting', async () => {
    const order = await placeOrder();
    await moveTo(order.id, 'cancelled');
    const [cancelled] = await (await watch(order.id, asAlice())).rest();

    const again = await watch(order.id, asAlice({ 'last-event-id': cancelled!.id! }));

    expect(statusOf(cancelled)).toBe('cancelled');
    expect(again.status).toBe(204);
    expect(await again.rest()).toEqual([]);
  });

  describe('how many streams one caller may hold open', () => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    /** A customer of their own, so streams other specs left closing do not count against them. */
    const newCustomer = (name: string) => api.services.signUp(name);
    const openFive = (orderId: string, headers: Record<string, string>) =>
      Promise.all(Array.from({ length: 5 }, () => watch(orderId, headers)));
    const refusal = async (orderId: string, headers: Record<string, string>) => {
      const response = await fetch(`${api.url}/v1/orders/${orderId}/events`, { headers: { accept: 'text/event-stream', ...headers } });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        rateLimitRemaining: response.headers.get('ratelimit-remaining'),
        body: (await response.json()) as ProblemDocument,
      };
    };

    it('answers a sixth stream 429 with Retry-After, keeps the five going, and takes a new one once the client closes one', async () => {
      const { token } = await newCustomer('Dave');
      const order = await placeOrder(token);
      const streams = await openFive(order.id, bearer(token));

      const refused = await refusal(order.id, bearer(token));

      expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200]);
      expect(refused).toEqual({
        status: 429,
        contentType: expect.stringMatching(/^application\/problem\+json/),
        retryAfter: '10',
        // Every response says where the caller stands with the rate limit, which this is not.
        rateLimitRemaining: expect.stringMatching(/^[1-9]\d*$/),
        body: expect.objectContaining({
          status: 429,
          code: 'REQUEST.TOO_MANY_STREAMS',
          detail: 'This caller already has 5 event streams open, the most it may: close one before opening another.',
        }),
      });
      expect((await Promise.all(streams.map((stream) => stream.next()))).map(statusOf)).toEqual(Array(5).fill('pending'));
      await moveTo(order.id, 'confirmed');
      expect((await Promise.all(streams.map((stream) => stream.next()))).map(statusOf)).toEqual(Array(5).fill('confirmed'));
      // Another caller has an allowance of their own.
      const another = await watch(order.id, { authorization: `Bearer ${adminToken}` });
      expect(another.status).toBe(200);
      another.close();

      streams[0]!.close();

      const next = await vi.waitFor(async () => {
        const again = await watch(order.id, bearer(token));
        expect(again.status).toBe(200);
        return again;
      });
      expect(statusOf(await next.next())).toBe('confirmed');
      for (const stream of [...streams, next]) stream.close();
    });

    it('gives the slot back when a stream ends at a final status, or fails before it starts', async () => {
      const { token } = await newCustomer('Erin');
      const order = await placeOrder(token);
      const streams = await openFive(order.id, bearer(token));
      await moveTo(order.id, 'cancelled');
      await Promise.all(streams.map((stream) => stream.rest()));

      const unknown = '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10';
      const failures = [];
      for (let attempt = 0; attempt < 6; attempt += 1) failures.push((await refusal(unknown, bearer(token))).status);
      const again = await vi.waitFor(async () => {
        const fresh = await openFive(order.id, bearer(token));
        expect(fresh.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200]);
        return fresh;
      });

      expect(failures).toEqual([404, 404, 404, 404, 404, 404]);
      expect((await Promise.all(again.map((stream) => stream.rest()))).map((events) => events.map(statusOf))).toEqual(
        Array(5).fill(['cancelled']),
      );
    });

    it('counts the streams of an API key apart from those of its owner signed in', async () => {
      const frank = await newCustomer('Frank');
      const { token } = frank;
      const key = await api.apiKeyFor(frank);
      const order = await placeOrder(token);
      const byKey = await openFive(order.id, { 'x-api-key': key.secret });

      const refused = await refusal(order.id, { 'x-api-key': key.secret });
      const signedIn = await watch(order.id, bearer(token));

      expect(byKey.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200]);
      expect(refused.body.code).toBe('REQUEST.TOO_MANY_STREAMS');
      expect(signedIn.status).toBe(200);
      for (const stream of [...byKey, signedIn]) stream.close();
    });
  });

  describe('before the stream starts, errors are problem documents', () => {
    const problemOf = async (orderId: string, headers: Record<string, string>) => {
      const response = await fetch(`${api.url}/v1/orders/${orderId}/events`, { headers: { accept: 'text/event-stream', ...headers } });
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: (await response.json()) as ProblemDocument,
      };
    };

    it('answers 404 for an unknown order', async () => {
      const { status, contentType, body } = await problemOf('01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10', asAlice());

      expect(status).toBe(404);
      expect(contentType).toMatch(/^application\/problem\+json/);
      expect(body.code).toBe('ORDERS.NOT_FOUND');
    });

    it("answers 404 for someone else's order", async () => {
      const order = await placeOrder();

      const { status, body } = await problemOf(order.id, { authorization: `Bearer ${bobToken}` });

      expect(status).toBe(404);
      expect(body.detail).toBe(`No order has the id ${order.id}.`);
    });

    it('answers 401 without a token, and never calls orders-service', async () => {
      const order = await placeOrder();
      // Were the edge to ask orders-service before it checks the caller, this would be a 503.
      api.upstream.orders.down();
      try {
        const { status, body } = await problemOf(order.id, {});

        expect(status).toBe(401);
        expect(body.code).toBe('AUTH.UNAUTHENTICATED');
      } finally {
        await api.upstream.orders.heal();
      }
    });

    it('answers 400 for a Last-Event-ID this stream never sent', async () => {
      const order = await placeOrder();

      const { status, body } = await problemOf(order.id, asAlice({ 'last-event-id': 'yesterday' }));

      expect(status).toBe(400);
      expect(body.errors).toEqual([{ field: 'Last-Event-ID', description: 'must be the id of an event of this stream, a whole number' }]);
    });
  });
});
