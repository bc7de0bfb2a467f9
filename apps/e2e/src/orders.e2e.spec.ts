import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME, type OrdersServiceClient } from '@triad/contracts/orders/v1';
import { grpcClientOptions } from '@triad/platform';
import { bearer, freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let system: RunningSystem;
let dataDir: string;
let grpcClient: ClientGrpcProxy;
let orders: OrdersServiceClient;
let rest: string;
let gateway: string;
/** Every JSON log line of every process, to count what one request made the backends do. */
const logs: { process: string; entry: Record<string, unknown> }[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-orders-'));
  const ports = await freeSystemPorts();
  system = await startSystem({
    ports,
    dataDir,
    env: { LOG_LEVEL: 'info', NODE_ENV: 'test' },
    output: (process, line) => {
      if (line.startsWith('{')) logs.push({ process, entry: JSON.parse(line) as Record<string, unknown> });
    },
  });
  rest = `http://127.0.0.1:${ports.rest}`;
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
  grpcClient = new ClientGrpcProxy(
    grpcClientOptions({
      name: 'orders',
      package: TRIAD_ORDERS_V1_PACKAGE_NAME,
      address: `127.0.0.1:${ports.ordersGrpc}`,
      deadlineMs: 10_000,
    }).options as never,
  );
  orders = (grpcClient as ClientGrpc).getService<OrdersServiceClient>(ORDERS_SERVICE_NAME);
});

afterAll(async () => {
  grpcClient?.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string, requestId?: string) {
  const response = await fetch(gateway, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function signUp(): Promise<{ token: string; id: string }> {
  const email = `buyer-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
  const result = await graphql('mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }', {
    input: { email, name: 'Buyer', password: 'buyer-password' },
  });
  return { token: result.data?.['signUp'].accessToken, id: result.data?.['signUp'].user.id };
}

async function productsInStock(count: number): Promise<{ id: string; name: string }[]> {
  const result = await graphql('{ products(first: 50) { nodes { id name stockOnHand } } }');
  return (result.data?.['products'].nodes as { id: string; name: string; stockOnHand: number }[])
    .filter((p) => p.stockOnHand >= 10)
    .slice(0, count);
}

const PLACE_ORDER =
  'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status total { amountMinor currencyCode } items { quantity product { id name } } } }';

describe('orders across the whole system', () => {
  it('places an order through the gateway and reads it back over REST and gRPC', async () => {
    const buyer = await signUp();
    const [product] = await productsInStock(1);
    const placed = await graphql(
      PLACE_ORDER,
      { input: { idempotencyKey: 'e2e-1', items: [{ productId: product!.id, quantity: 2 }] } },
      buyer.token,
    );
    expect(placed.errors).toBeUndefined();
    const order = placed.data?.['placeOrder'];
    expect(order).toMatchObject({ status: 'PENDING', items: [{ quantity: 2, product: { id: product!.id, name: product!.name } }] });

    const overRest = await fetch(`${rest}/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${buyer.token}` } });
    expect(overRest.status).toBe(200);
    expect(await overRest.json()).toMatchObject({
      id: order.id,
      user_id: buyer.id,
      status: 'pending',
      total: { amount_minor: order.total.amountMinor },
    });

    const overGrpc = await firstValueFrom(orders.getOrder({ id: order.id }, bearer(buyer.token)));
    expect(overGrpc.order).toMatchObject({
      id: order.id,
      userId: buyer.id,
      status: 'ORDER_STATUS_PENDING',
      total: { amountMinor: String(order.total.amountMinor) },
    });
  });

  it('returns the same order for a repeated Idempotency-Key over REST, and 422 for the key with another body', async () => {
    const buyer = await signUp();
    const [product] = await productsInStock(1);
    const send = (quantity: number) =>
      fetch(`${rest}/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${buyer.token}`, 'content-type': 'application/json', 'idempotency-key': 'rest-key-1' },
        body: JSON.stringify({ items: [{ product_id: product!.id, quantity }] }),
      });
    const first = await send(1);
    const again = await send(1);
    expect(first.status).toBe(201);
    const idOf = async (response: Response) => ((await response.json()) as { id: string }).id;
    expect(await idOf(again)).toBe(await idOf(first));
    const reused = await send(3);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'ORDERS.IDEMPOTENCY_KEY_REUSED' });
  });

  it('names the product that is out of stock', async () => {
    const buyer = await signUp();
    const listed = await graphql('{ products(first: 50) { nodes { id name stockOnHand } } }');
    const nodes = listed.data?.['products'].nodes as { id: string; name: string; stockOnHand: number }[];
    const product = nodes.find((candidate) => candidate.stockOnHand > 0 && candidate.stockOnHand < 10)!;
    const result = await graphql(
      PLACE_ORDER,
      { input: { idempotencyKey: 'too-many', items: [{ productId: product.id, quantity: product.stockOnHand + 1 }] } },
      buyer.token,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FAILED_PRECONDITION', errorCode: 'CATALOG.OUT_OF_STOCK' });
    expect(result.errors?.[0]?.message).toContain(product.name);
  });

  it("resolves a user's orders with their products in a constant number of backend calls", async () => {
    const count = async (orderCount: number, itemsPerOrder: number) => {
      const buyer = await signUp();
      const products = await productsInStock(itemsPerOrder);
      for (let n = 0; n < orderCount; n++) {
        const items = products.map((product) => ({ productId: product.id, quantity: 1 }));
        const placed = await graphql(PLACE_ORDER, { input: { idempotencyKey: `n1-${n}`, items } }, buyer.token);
        expect(placed.errors).toBeUndefined();
      }
      const requestId = `n-plus-one-${orderCount}-${itemsPerOrder}`;
      const result = await graphql('{ me { orders(first: 20) { nodes { items { product { name } } } } } }', {}, buyer.token, requestId);
      expect(result.data?.['me'].orders.nodes).toHaveLength(orderCount);
      expect(result.data?.['me'].orders.nodes.flatMap((order: { items: unknown[] }) => order.items)).toHaveLength(
        orderCount * itemsPerOrder,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const calls = logs.filter(
        ({ process, entry }) =>
          process !== 'graphql-gateway' && entry['requestId'] === requestId && ['http request', 'grpc call'].includes(String(entry['msg'])),
      );
      return calls.map(({ process, entry }) => `${process} ${String(entry['msg'])}`).sort();
    };
    const small = await count(1, 1);
    const large = await count(5, 3);
    expect(small.length).toBeGreaterThan(0);
    expect(large).toEqual(small);
  });
});
