// `npm run bench`: the same logical operations through gRPC, REST and GraphQL, side by side, in one run.
// Starts the built system on free ports and a fresh database (the REST edge's rate limit raised out of the way),
// seeds the data, and for each operation and each way to do it measures:
//   - latency (p50, p99) at concurrency 1, and throughput and p99 over a concurrency sweep;
//   - throughput and CPU per request in every process at a fixed concurrency, repeated in interleaved rounds
//     (medians with their spread): the ratios between styles are read from these;
//   - bytes on the wire (payload and headers apart) and the calls a client needs for the data.
// Baselines say what the frameworks cost: a plain Fastify + grpc-js edge beside the REST edge, the catalog
// subgraph queried directly beside the gateway, and the gRPC call alone for both.
// Writes docs/benchmarks/README.md and SVG charts (`--out DIR` elsewhere). Numbers from one machine compare
// only with each other: read the ratios.
//   --quick       a short run (under 2 minutes) that writes to .data/bench unless --out is given
//   --out DIR     where the report goes
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, release } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@triad/testing';
import { freeSystemPorts, startSystem } from '@triad/testing/system';
import { bearer, graphql, grpcClient, http, json, received, unary } from './lib/clients.mjs';
import { drive, medianOf, percentile } from './lib/drive.mjs';
import { cpuPerRequest, cpuSeconds, systemProcesses } from './lib/processes.mjs';
import { writeReport } from './lib/report.mjs';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
const PLAN = args.quick
  ? { sweep: [1, 16], sweepSeconds: 1, rounds: 1, roundSeconds: 1.5, warmUpSeconds: 0.5, fixedConcurrency: 32 }
  : { sweep: [1, 4, 16, 64], sweepSeconds: 2.5, rounds: 3, roundSeconds: 3, warmUpSeconds: 1, fixedConcurrency: 32 };
const OUT = args.out ?? (args.quick ? '.data/bench' : 'docs/benchmarks');
const RATE_LIMIT_OFF = '1000000000';
/** Orders of the reading user, items per order, and distinct products among them, as in a typical order history. */
const HISTORY = { orders: 10, itemsPerOrder: 3, distinctProducts: 25 };

const startedAt = new Date();
const load = [loadavg()[0]];
const dataDir = mkdtempSync(join(tmpdir(), 'triad-bench-'));
const ports = await freeSystemPorts();
console.log('starting the system…');
const system = await startSystem({ ports, dataDir, env: { RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OFF } });
const plainPort = await freePort();
const plainEdge = fork(new URL('./baselines/plain-rest-edge.mjs', import.meta.url), [String(plainPort), `127.0.0.1:${ports.catalogGrpc}`]);

try {
  await new Promise((resolve, reject) => {
    plainEdge.once('message', resolve);
    plainEdge.once('exit', (code) => reject(new Error(`the plain REST edge exited with ${code}`)));
  });
  const urls = {
    rest: `http://127.0.0.1:${ports.rest}`,
    plain: `http://127.0.0.1:${plainPort}`,
    gateway: system.urls.gateway,
    catalogSubgraph: `http://127.0.0.1:${ports.catalogHttp}/graphql`,
  };
  const grpc = {
    catalog: grpcClient('triad.catalog.v1.CatalogService', `127.0.0.1:${ports.catalogGrpc}`),
    orders: grpcClient('triad.orders.v1.OrdersService', `127.0.0.1:${ports.ordersGrpc}`),
  };
  console.log('seeding…');
  const data = await seed(urls.rest);
  const operations = defineOperations(urls, grpc, data);
  const processes = systemProcesses({ 'plain-rest-edge': 'plain-rest-edge.mjs' });

  const results = [];
  for (const operation of operations) {
    console.log(`${operation.name}…`);
    results.push(await measureOperation(operation, processes));
    load.push(loadavg()[0]);
  }
  mkdirSync(OUT, { recursive: true });
  writeReport(OUT, {
    results,
    plan: PLAN,
    quick: args.quick,
    machine: {
      cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
    },
    load: { min: Math.min(...load), max: Math.max(...load) },
    startedAt,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
  });
  console.log(`report: ${relative(process.cwd(), join(OUT, 'README.md'))}`);
  for (const client of Object.values(grpc)) client.close();
} finally {
  plainEdge.kill('SIGTERM');
  await system.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * The data every operation reads: products with stock that cannot run out, a reader with an order history,
 * and a writer whose orders the write benchmark places (so the reader's history stays as seeded).
 */
async function seed(rest) {
  const signIn = async (email, password) => (await json(`${rest}/v1/auth/token`, post({ email, password }))).access_token;
  const admin = await signIn('admin@triad.dev', 'admin-password');
  const products = [];
  for (let index = 0; index < HISTORY.distinctProducts + 1; index += 1) {
    const product = {
      sku: `BENCH-${index}-${randomUUID().slice(0, 8)}`,
      name: `Bench product ${index}`,
      description: 'A product the benchmark reads.',
      price: { amount_minor: 1000 + index, currency_code: 'USD' },
      stock_on_hand: 1_000_000,
    };
    products.push(await json(`${rest}/v1/products`, post(product, admin), [201]));
  }
  const account = async (name) => {
    const email = `${name}-${randomUUID().slice(0, 8)}@bench.example`;
    const password = 'a long bench password, never reused';
    const user = await json(`${rest}/v1/users`, post({ email, name, password }), [201]);
    return { id: user.id, token: await signIn(email, password) };
  };
  const reader = await account('Reader');
  const writer = await account('Writer');
  for (let order = 0; order < HISTORY.orders; order += 1) {
    const items = Array.from({ length: HISTORY.itemsPerOrder }, (_, item) => ({
      product_id: products[(order * HISTORY.itemsPerOrder + item) % HISTORY.distinctProducts].id,
      quantity: 1,
    }));
    await json(`${rest}/v1/orders`, post({ items }, reader.token, { 'idempotency-key': randomUUID() }), [201]);
  }
  return { product: products[0], writeProduct: products.at(-1), reader, writer };
}

function post(body, token, headers = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  };
}

/** Each logical operation and every way to do it; the first variant of each is the one the others are compared to. */
function defineOperations(urls, grpc, { product, writeProduct, reader, writer }) {
  const readerAuth = { authorization: `Bearer ${reader.token}` };
  const productFields = 'id sku name description price { amountMinor currencyCode } stockOnHand';
  const productQuery = `query Product($id: ID!) { product(id: $id) { ${productFields} } }`;
  const productsQuery = `query Products { products(first: 20) { nodes { ${productFields} } } }`;
  const ordersQuery = 'query MyOrders { me { orders(first: 10) { nodes { id status items { quantity product { name } } } } } }';
  const placeMutation = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';
  const line = () => ({ productId: writeProduct.id, quantity: 1 });
  return [
    {
      name: 'One entity: a product by id',
      key: 'entity',
      variants: [
        { style: 'gRPC', label: 'gRPC GetProduct', run: () => unary(grpc.catalog, 'GetProduct', { id: product.id }) },
        { style: 'REST', label: 'REST GET /v1/products/{id}', run: () => http(`${urls.rest}/v1/products/${product.id}`) },
        {
          style: 'REST',
          label: 'baseline: plain Fastify + grpc-js',
          baseline: true,
          run: () => http(`${urls.plain}/v1/products/${product.id}`),
        },
        {
          style: 'GraphQL',
          label: 'GraphQL product through the gateway',
          run: () => graphql(urls.gateway, productQuery, { id: product.id }),
        },
        {
          style: 'GraphQL',
          label: 'baseline: catalog subgraph directly',
          baseline: true,
          run: () => graphql(urls.catalogSubgraph, productQuery, { id: product.id }),
        },
      ],
    },
    {
      name: 'A list: the first 20 products',
      key: 'list',
      variants: [
        { style: 'gRPC', label: 'gRPC ListProducts', run: () => unary(grpc.catalog, 'ListProducts', { pageSize: 20 }) },
        { style: 'REST', label: 'REST GET /v1/products?page_size=20', run: () => http(`${urls.rest}/v1/products?page_size=20`) },
        { style: 'GraphQL', label: 'GraphQL products(first: 20)', run: () => graphql(urls.gateway, productsQuery) },
      ],
    },
    {
      name: "Across services: a user's 10 orders with 3 items each, with product names",
      key: 'cross',
      variants: [
        {
          style: 'gRPC',
          label: 'gRPC ListOrders (no product names)',
          run: () => unary(grpc.orders, 'ListOrders', { userId: reader.id, pageSize: 10 }, bearer(reader.token)),
        },
        {
          style: 'gRPC',
          label: 'gRPC ListOrders + BatchGetProducts',
          headline: true,
          run: async () => {
            const { orders } = await unary(grpc.orders, 'ListOrders', { userId: reader.id, pageSize: 10 }, bearer(reader.token));
            const ids = [...new Set(orders.flatMap((order) => order.items.map((item) => item.productId)))];
            return unary(grpc.catalog, 'BatchGetProducts', { ids });
          },
        },
        {
          style: 'REST',
          label: 'REST GET /v1/orders (no product names)',
          run: () => http(`${urls.rest}/v1/orders?page_size=10`, { headers: readerAuth }),
        },
        {
          style: 'REST',
          label: 'REST GET /v1/orders?expand=items.product',
          headline: true,
          run: () => http(`${urls.rest}/v1/orders?page_size=10&expand=items.product`, { headers: readerAuth }),
        },
        {
          style: 'REST',
          label: 'REST list, then GET /v1/products/{id} per product',
          run: async () => {
            const { orders } = JSON.parse((await http(`${urls.rest}/v1/orders?page_size=10`, { headers: readerAuth })).toString());
            const ids = [...new Set(orders.flatMap((order) => order.items.map((item) => item.product_id)))];
            return Promise.all(ids.map((id) => http(`${urls.rest}/v1/products/${id}`)));
          },
        },
        {
          style: 'GraphQL',
          label: 'GraphQL me.orders with product names',
          run: () => graphql(urls.gateway, ordersQuery, {}, reader.token),
        },
      ],
    },
    {
      name: 'A write: place an order (a new idempotency key each time)',
      key: 'write',
      variants: [
        {
          style: 'gRPC',
          label: 'gRPC PlaceOrder',
          run: () =>
            unary(grpc.orders, 'PlaceOrder', { idempotencyKey: randomUUID(), userId: writer.id, lines: [line()] }, bearer(writer.token)),
        },
        {
          style: 'REST',
          label: 'REST POST /v1/orders',
          run: () =>
            http(
              `${urls.rest}/v1/orders`,
              post({ items: [{ product_id: writeProduct.id, quantity: 1 }] }, writer.token, { 'idempotency-key': randomUUID() }),
              [201],
            ),
        },
        {
          style: 'GraphQL',
          label: 'GraphQL placeOrder',
          run: () => graphql(urls.gateway, placeMutation, { input: { idempotencyKey: randomUUID(), items: [line()] } }, writer.token),
        },
      ],
    },
  ];
}

/** One operation: each variant's bytes and calls, latency at concurrency 1 and the sweep, then interleaved rounds. */
async function measureOperation(operation, processes) {
  const variants = [];
  for (const variant of operation.variants) {
    await variant.run(); // a first call, so connections and caches are warm and the sample below is typical
    received.payload = received.headers = received.calls = 0;
    await variant.run();
    const wire = { ...received };
    await drive(variant.run, { concurrency: 4, seconds: PLAN.warmUpSeconds });
    const sweep = [];
    for (const concurrency of PLAN.sweep) {
      const run = await drive(variant.run, { concurrency, seconds: PLAN.sweepSeconds });
      failOn(run, variant, concurrency);
      sweep.push({ concurrency, perSecond: run.perSecond, p50: percentile(run.latencies, 50), p99: percentile(run.latencies, 99) });
    }
    variants.push({ ...variant, wire, sweep, rounds: [] });
  }
  for (let round = 0; round < PLAN.rounds; round += 1) {
    for (const variant of variants) {
      const before = cpuSeconds(processes);
      const run = await drive(variant.run, { concurrency: PLAN.fixedConcurrency, seconds: PLAN.roundSeconds });
      failOn(run, variant, PLAN.fixedConcurrency);
      variant.rounds.push({
        perSecond: run.perSecond,
        p99: percentile(run.latencies, 99),
        cpu: cpuPerRequest(before, cpuSeconds(processes), run.completed),
      });
    }
  }
  return {
    name: operation.name,
    key: operation.key,
    variants: variants.map(({ run, ...variant }) => ({
      ...variant,
      throughput: medianOf(variant.rounds.map((round) => round.perSecond)),
      cpuMs: medianOf(variant.rounds.map((round) => round.cpu.total)).median,
      cpuByProcess: medianByProcess(variant.rounds.map((round) => round.cpu.perProcess)),
    })),
  };
}

function medianByProcess(readings) {
  const names = new Set(readings.flatMap((reading) => Object.keys(reading)));
  return Object.fromEntries([...names].map((name) => [name, medianOf(readings.map((reading) => reading[name] ?? 0)).median]));
}

function failOn(run, variant, concurrency) {
  if (run.failures > 0) {
    throw new Error(
      `${variant.label} at concurrency ${concurrency}: ${run.failures} of ${run.failures + run.completed} failed; first: ${run.firstFailure?.message ?? run.firstFailure}`,
    );
  }
}
