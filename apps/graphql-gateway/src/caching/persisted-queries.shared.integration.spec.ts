import { createHash } from 'node:crypto';
import { connectValkey, createLogger, type RunningService, type Valkey } from '@triad/platform';
import { capturedLog, startTestValkey, type TestValkey } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postGraphQL, startTestGateway } from '../testing/gateway-client.js';
import { startGraphServices, type GraphServices } from '../testing/graph-services.js';
import { registrationCountKeys, SHARED_PERSISTED_QUERIES } from './persisted-queries.repository.js';

function persisted(query: string) {
  return { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
}

const NOT_FOUND = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

// Replicas of the gateway behind one load balancer: a query registered through one must be known to the others.
const valkey: TestValkey = await startTestValkey();
if (!valkey.url) process.stderr.write(`persisted queries shared in Valkey: not run here, ${valkey.description}\n`);

describe.skipIf(!valkey.url)('automatic persisted queries with VALKEY_URL: one store for every replica', () => {
  let services: GraphServices;
  let first: RunningService;
  let second: RunningService;
  /** The spec's own look into Valkey, to check what the gateways keep there. */
  let inspector: Valkey;
  let lamp: string;
  /** The first replica's log. */
  const log = capturedLog('graphql-gateway');

  beforeAll(async () => {
    services = await startGraphServices('catalog-service');
    [first, second] = await Promise.all([
      startTestGateway({ ...services.gatewayEnv, VALKEY_URL: valkey.url!, TRUSTED_PROXIES: '127.0.0.1' }, { logger: log.logger }),
      startTestGateway({ ...services.gatewayEnv, VALKEY_URL: valkey.url!, TRUSTED_PROXIES: '127.0.0.1' }),
    ]);
    inspector = await connectValkey(valkey.url!, { name: 'persisted-queries-spec', logger: createLogger('spec', 'silent') });
    lamp = await services.addProduct('Desk lamp');
  });
  afterAll(async () => {
    inspector?.disconnect();
    await first?.close();
    await second?.close();
    await services?.stop();
    await valkey.stop();
  });

  it('answers the hash alone on one replica once the query was sent to another, and keeps it for a bounded time', async () => {
    const query = `{ product(id: "${lamp}") { name } }`;

    const key = `triad:graphql-gateway:apq:${persisted(query).persistedQuery.sha256Hash}`;

    expect((await postGraphQL(first, { query, extensions: persisted(query) })).body).toEqual({ data: { product: { name: 'Desk lamp' } } });
    // Apollo stores a query without holding its answer back for it.
    await vi.waitFor(async () => expect(await inspector.exists(key)).toBe(1));
    const { status, body } = await postGraphQL(second, { extensions: persisted(query) });

    expect(status).toBe(200);
    expect(body).toEqual({ data: { product: { name: 'Desk lamp' } } });
    const ttl = await inspector.ttl(key);
    expect(ttl).toBeGreaterThan(SHARED_PERSISTED_QUERIES.ttlSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(SHARED_PERSISTED_QUERIES.ttlSeconds);
  });

  it('runs a query too long to store, and stores nothing for it', async () => {
    const query = `# ${'x'.repeat(SHARED_PERSISTED_QUERIES.maxQueryBytes)}\n{ product(id: "${lamp}") { name } }`;

    expect((await postGraphQL(first, { query, extensions: persisted(query) })).body).toEqual({ data: { product: { name: 'Desk lamp' } } });

    expect((await postGraphQL(second, { extensions: persisted(query) })).body).toEqual(NOT_FOUND);
  });

  /**
   * Sends `queries`, each new to the store, with their hashes as the client at `address` (the gateways trust
   * 127.0.0.1 to say who the client is), one at a time: each once the gateway has counted the one before, as
   * Apollo registers a query without holding its answer back for it.
   */
  async function register(queries: string[], address: string): Promise<void> {
    const { client } = registrationCountKeys(address);
    for (const query of queries) {
      const counted = Number((await inspector.get(client)) ?? 0);
      await send([query], address);
      await vi.waitFor(async () => expect(Number(await inspector.get(client))).toBe(counted + 1));
    }
  }
  /** Sends `queries` with their hashes as the client at `address`, and checks each was answered. */
  async function send(queries: string[], address: string): Promise<void> {
    for (const query of queries) {
      const { body } = await postGraphQL(first, { query, extensions: persisted(query) }, { 'x-forwarded-for': address });
      expect(body).toEqual({ data: { product: { name: 'Desk lamp' } } });
    }
  }
  const isStored = async (query: string) =>
    JSON.stringify((await postGraphQL(second, { extensions: persisted(query) })).body) !== JSON.stringify(NOT_FOUND);
  const distinct = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, index) => `query ${prefix}${index} { product(id: "${lamp}") { name } }`);
  const resetBudgets = async () => {
    const keys = await inspector.keys(`${registrationCountKeys('').system}*`);
    if (keys.length > 0) await inspector.del(...keys);
  };

  it('stores at most its share of new queries a minute for one client, and a query sent again costs nothing', async () => {
    await resetBudgets();
    const share = SHARED_PERSISTED_QUERIES.perClientPerMinute;
    const queries = distinct('Client', share + 1);

    await register(queries.slice(0, share), '10.0.0.1');
    await send(queries.slice(0, 5), '10.0.0.1');
    await register(queries.slice(share), '10.0.0.1');

    expect(await isStored(queries[share - 1]!)).toBe(true);
    expect(await isStored(queries[share]!)).toBe(false);
    // The queries sent again were not counted; what the client's share refused is not charged to everyone's budget.
    const counts = registrationCountKeys('10.0.0.1');
    expect(await inspector.get(counts.client)).toBe(String(share + 1));
    expect(await inspector.get(counts.system)).toBe(String(share));
  });

  it('stores no more than its budget of new queries a minute over every client, so none can fill Valkey, and still runs the rest', async () => {
    await resetBudgets();
    const { registrationsPerMinute: budget, perClientPerMinute: share } = SHARED_PERSISTED_QUERIES;
    const clients = budget / share;
    // The first client tries past its share: the budget still holds every other client's.
    await register(distinct('Budget0x', share + 5), '10.0.1.0');
    for (let client = 1; client < clients; client += 1) await register(distinct(`Budget${client}x`, share), `10.0.1.${client}`);
    const late = distinct('Late', 1);

    await register(late, '10.0.2.1');

    expect(await isStored(`query Budget${clients - 1}x${share - 1} { product(id: "${lamp}") { name } }`)).toBe(true);
    expect(await isStored(late[0]!)).toBe(false);
  });

  it('while Valkey is down, asks for the query instead of failing, runs it when sent, and logs the outage once', async () => {
    const query = `{ product(id: "${lamp}") { id } }`;
    await valkey.stop();

    const lookup = await postGraphQL(first, { extensions: persisted(query) });
    const sent = await postGraphQL(first, { query, extensions: persisted(query) });
    for (let request = 0; request < 5; request += 1) {
      await postGraphQL(first, { extensions: persisted(query) });
      await postGraphQL(first, { query, extensions: persisted(query) });
    }

    expect(lookup.status).toBe(200);
    expect(lookup.body).toEqual(NOT_FOUND);
    expect(sent.body).toEqual({ data: { product: { id: lamp } } });
    // A line when lookups started failing and one when registrations did (and the connection's own), not one for
    // each request.
    const outage = log
      .lines()
      .filter((line) => line.level === 'warn' || line.level === 'error')
      .map((line) => line.msg)
      .filter((msg) => !msg.startsWith('shared state: Valkey unreachable'));
    expect(outage.sort()).toEqual([
      'persisted queries: lookups failing, clients are asked for the whole query',
      'persisted queries: registrations failing, new queries are not stored',
    ]);
  });
});
