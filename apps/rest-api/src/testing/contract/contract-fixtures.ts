import { randomUUID } from 'node:crypto';
import { parseEventStream } from '../event-stream.reader.js';
import type { TestRestApi } from '../rest-api.harness.js';
import type { Account } from '../test-services.js';

/** Alice's orders, one in each state an exchange needs. */
export type OrderFixture = 'toCancel' | 'toConfirm' | 'shipped' | 'delivered' | 'cancelled';

/** Alice's API keys: one in use, one spare to revoke, and one revoked. */
export type ApiKeyFixture = 'inUse' | 'spare' | 'revoked';

/**
 * What the contract's requests are built from. The tokens are signed by users-service, so they are valid
 * credentials on every rest-api in front of it, not only the one the fixtures were seeded in.
 */
export interface ContractFixtures {
  admin: Account;
  /** A customer with orders. */
  alice: Account;
  /** Another customer, who may not see Alice's orders. */
  bob: Account;
  /** A product with stock to spare, and one with none. */
  product: { id: string; sku: string };
  soldOut: { id: string; sku: string };
  orders: Record<OrderFixture, string>;
  /** The id of the event that carries the cancelled order's final status. */
  cancelledEventId: string;
  apiKeys: Record<ApiKeyFixture, { id: string; secret: string }>;
  /** The client_id of an OAuth client of Alice's to revoke; Bob holds as many clients as a user may. */
  oauthClients: { spare: string };
}

/** As many OAuth clients as one user may hold (users-service's limit). */
const MAX_LIVE_OAUTH_CLIENTS = 10;

/** The steps that take each order from pending to the status its exchanges need. */
const STEPS_TO: Record<OrderFixture, string[]> = {
  toCancel: [],
  toConfirm: [],
  shipped: ['confirmed', 'shipped'],
  delivered: ['confirmed', 'shipped', 'delivered'],
  cancelled: ['cancelled'],
};

/** Adds products to the catalog, then places and moves orders and creates keys and OAuth clients through the API. */
export async function seedContractFixtures(api: TestRestApi): Promise<ContractFixtures> {
  const { admin, alice, bob } = api.services.accounts;
  const stocked = (sku: string, stockOnHand: number) => api.services.addProduct({ sku, name: sku, amountMinor: 1299, stockOnHand });
  const product = await stocked('MUG-BLUE-350', 1000);
  const soldOut = await stocked('MUG-GOLD-350', 0);

  const orders = {} as Record<OrderFixture, string>;
  for (const [fixture, steps] of Object.entries(STEPS_TO) as [OrderFixture, string[]][]) {
    const placed = await api.call<{ id: string }>('POST', '/v1/orders', {
      token: alice.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    if (placed.status !== 201) throw new Error(`seeding the ${fixture} order failed with ${placed.status}`);
    for (const status of steps) {
      const moved = await api.call('POST', `/v1/orders/${placed.body.id}:transition`, { token: admin.token, body: { status } });
      if (moved.status !== 200) throw new Error(`moving the ${fixture} order to ${status} failed with ${moved.status}`);
    }
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

  const registerClient = async (token: string, name: string) => {
    const client = await api.call<{ client_id: string }>('POST', '/v1/oauth-clients', { token, body: { name, scopes: ['orders:read'] } });
    if (client.status !== 201) throw new Error(`registering the ${name} OAuth client failed with ${client.status}`);
    return client.body.client_id;
  };
  const oauthClients = { spare: await registerClient(alice.token, 'spare') };
  for (let index = 0; index < MAX_LIVE_OAUTH_CLIENTS; index += 1) await registerClient(bob.token, `bob ${index}`);

  return {
    admin,
    alice,
    bob,
    product: { id: product.id, sku: product.sku },
    soldOut: { id: soldOut.id, sku: soldOut.sku },
    orders,
    cancelledEventId,
    apiKeys,
    oauthClients,
  };
}
