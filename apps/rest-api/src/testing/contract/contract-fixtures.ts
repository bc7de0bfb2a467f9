import { randomUUID } from 'node:crypto';
import { OrderStatus } from '@triad/contracts/orders/v1';
import { parseEventStream } from '../event-stream.reader.js';
import type { TestRestApi } from '../rest-api.harness.js';

/** A stored user, with what it takes to act as them. */
export interface Member {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Alice's orders, one in each state an exchange needs. */
export type OrderFixture = 'toCancel' | 'toConfirm' | 'shipped' | 'delivered' | 'cancelled';

/** Alice's API keys: one in use, one spare to revoke, and one revoked. */
export type ApiKeyFixture = 'inUse' | 'spare' | 'revoked';

/**
 * What the contract's requests are built from. The tokens are signed with the harness's one JWT secret, so they
 * are valid credentials on every rest-api the harness starts, not only the one the fixtures were seeded in.
 */
export interface ContractFixtures {
  admin: Member;
  /** A customer with orders. */
  alice: Member;
  /** Another customer, who may not see Alice's orders. */
  bob: Member;
  /** A product with stock to spare, and one with none. */
  product: { id: string; sku: string };
  soldOut: { id: string; sku: string };
  orders: Record<OrderFixture, string>;
  /** The id of the event that carries the cancelled order's final status. */
  cancelledEventId: string;
  apiKeys: Record<ApiKeyFixture, { id: string; secret: string }>;
}

const STATUS_OF: Record<OrderFixture, OrderStatus | undefined> = {
  toCancel: undefined,
  toConfirm: undefined,
  shipped: OrderStatus.ORDER_STATUS_SHIPPED,
  delivered: OrderStatus.ORDER_STATUS_DELIVERED,
  cancelled: OrderStatus.ORDER_STATUS_CANCELLED,
};

/** Seeds users and products in the stand-ins, then places and moves orders and creates keys through the API. */
export async function seedContractFixtures(api: TestRestApi): Promise<ContractFixtures> {
  const member = async (name: string, role: 'customer' | 'admin'): Promise<Member> => {
    const email = `${name.toLowerCase()}@triad.dev`;
    const password = `${name.toLowerCase()}-password`;
    const user = api.users.add({ email, name, password, role });
    return { id: user.id, email, password, token: await api.tokenFor(user) };
  };
  const admin = await member('Ada', 'admin');
  const alice = await member('Alice', 'customer');
  const bob = await member('Bob', 'customer');
  const stocked = (sku: string, stockOnHand: number) =>
    api.catalog.add({ sku, name: sku, description: '', price: { amountMinor: 1299n, currencyCode: 'USD' }, stockOnHand });
  const product = stocked('MUG-BLUE-350', 1000);
  const soldOut = stocked('MUG-GOLD-350', 0);

  const orders = {} as Record<OrderFixture, string>;
  for (const [fixture, status] of Object.entries(STATUS_OF) as [OrderFixture, OrderStatus | undefined][]) {
    const placed = await api.call<{ id: string }>('POST', '/v1/orders', {
      token: alice.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    if (placed.status !== 201) throw new Error(`seeding the ${fixture} order failed with ${placed.status}`);
    if (status !== undefined) api.orders.setStatus(placed.body.id, status);
    orders[fixture] = placed.body.id;
  }
  const stream = await api.call<string>('GET', `/v1/orders/${orders.cancelled}/events`, { token: alice.token });
  const cancelledEventId = parseEventStream(stream.body)[0]?.id;
  if (cancelledEventId === undefined) throw new Error(`the cancelled order's event stream sent no event (${stream.status})`);

  const apiKeys = {} as Record<ApiKeyFixture, { id: string; secret: string }>;
  for (const fixture of ['inUse', 'spare', 'revoked'] as const) {
    const key = await api.call<{ id: string; secret: string }>('POST', '/v1/api-keys', { token: alice.token, body: { name: fixture } });
    if (key.status !== 201) throw new Error(`creating the ${fixture} API key failed with ${key.status}`);
    apiKeys[fixture] = { id: key.body.id, secret: key.body.secret };
  }
  const revoked = await api.call('POST', `/v1/api-keys/${apiKeys.revoked.id}:revoke`, { token: alice.token });
  if (revoked.status !== 200) throw new Error(`revoking an API key failed with ${revoked.status}`);

  return {
    admin,
    alice,
    bob,
    product: { id: product.id, sku: product.sku },
    soldOut: { id: soldOut.id, sku: soldOut.sku },
    orders,
    cancelledEventId,
    apiKeys,
  };
}
