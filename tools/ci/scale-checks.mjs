// The compose smoke test's replica checks (tools/ci/compose-smoke.sh), run once catalog-service has been scaled
// to three replicas (tools/ci/compose-scale.yml): the REST edge (GetProduct) and orders-service (ReserveStock,
// while placing orders) must find the replicas added to the running system and spread their gRPC calls evenly
// over all three, and stopping one replica while orders are placed must lose nothing: every read answers, and any order that fails while the replica drains goes through
// when it is sent again with its idempotency key.
//
//   node tools/ci/scale-checks.mjs PROJECT      # the compose project, e.g. triad-smoke
//
// Each replica's calls are read from its own /metrics (rpc_server_call_duration, by method), inside its container.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { callsAnswered, checklist, composeContainers, request } from './checks.mjs';

const [project] = process.argv.slice(2);
if (!project) {
  console.error('usage: node tools/ci/scale-checks.mjs PROJECT');
  process.exit(2);
}
const rest = 'http://127.0.0.1:3000';
const CATALOG_HTTP_PORT = 4002;
/** How long the calls have to reach every replica: clients re-resolve at most every 30 s (grpc-js) once a connection ages out. */
const SPREAD_DEADLINE_MS = 120_000;
/**
 * How long after the replicas are up every caller has found them all: each resolves the name again at most 30 s
 * after its last resolution (grpc-js's `grpc.dns_min_time_between_resolutions_ms`) once a connection ages out
 * (the replicas' GRPC_MAX_CONNECTION_AGE_MS), and a caller refused while a replica booted tries it again after
 * its backoff (grpc-js: 1 s, then × 1.6). One caller reaching a new replica says nothing of the others:
 * orders-service has two.
 */
const RESOLUTION_INTERVAL_MS = 30_000;
const RECONNECT_MARGIN_MS = 10_000;
/** This script runs once `docker compose up --wait` has seen every replica healthy (compose-smoke.sh). */
const upAt = Date.now();

const { check, finish } = checklist('replica checks');
const run = promisify(execFile);

const running = await composeContainers(project, 'catalog-service');
const readings = () => Promise.all(running.map((replica) => callsAnswered(replica, CATALOG_HTTP_PORT)));

/** The GRPC_MAX_CONNECTION_AGE_MS `replica` runs with, after which its callers connect again and may re-resolve. */
async function connectionAgeMs(replica) {
  const { stdout } = await run('docker', ['inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', replica.id]);
  const age = /^GRPC_MAX_CONNECTION_AGE_MS=(\d+)$/m.exec(stdout)?.[1];
  if (!age) throw new Error(`${replica.name} has no GRPC_MAX_CONNECTION_AGE_MS (tools/ci/compose-scale.yml sets it)`);
  return Number(age);
}

/** What each replica answered since `before` (a reading per replica), by the two methods the checks watch. */
async function answeredSince(before) {
  const now = await readings();
  return running.map((replica, index) => {
    const delta = (method) => (now[index][method] ?? 0) - (before[index][method] ?? 0);
    return { name: replica.name, GetProduct: delta('GetProduct'), ReserveStock: delta('ReserveStock') };
  });
}

// Alice's token for placing orders, and a product with stock to spare. Without them no check below can run.
let auth;
let product;
await check('a demo user signs in, and the catalog lists a product to order', async () => {
  const signedIn = await request(`${rest}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
  });
  if (signedIn.status !== 200) throw new Error(`sign-in answered ${signedIn.status}`);
  auth = { authorization: `Bearer ${signedIn.body.access_token}` };
  // The one with the most stock: the checks below order it some sixty times.
  const listed = await request(`${rest}/v1/products?page_size=100`);
  product = (listed.body.products ?? []).reduce(
    (most, candidate) => (most === undefined || candidate.stock_on_hand > most.stock_on_hand ? candidate : most),
    undefined,
  );
  if (!product) throw new Error(`no product listed (${listed.status})`);
  return `${product.name}, ${product.stock_on_hand} in stock`;
});
if (!product) finish();

const readProduct = () => request(`${rest}/v1/products/${product.id}`);
const placeOrder = (key) =>
  request(`${rest}/v1/orders`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ items: [{ product_id: product.id, quantity: 1 }] }),
  });

/**
 * A read every round and an order every `orderEvery()`th, at a pace under the REST edge's per-client limit (300 a
 * minute), until `stop()` says so.
 */
async function traffic(stop, orderEvery = () => 1) {
  const outcomes = { reads: [], orders: [] };
  for (let round = 0; !(await stop()); round += 1) {
    const key = randomUUID();
    const [read, order] = await Promise.all([readProduct(), round % orderEvery() === 0 ? placeOrder(key) : undefined]);
    outcomes.reads.push(read.status);
    if (order) outcomes.orders.push({ key, status: order.status });
    await sleep(400);
  }
  return outcomes;
}

await check(`catalog-service runs as three replicas`, async () => {
  if (running.length !== 3) throw new Error(`found ${running.length}: ${running.map((replica) => replica.name).join(', ')}`);
  return running.map((replica) => replica.name).join(', ');
});

await check('the REST edge and orders-service spread their calls over all three replicas', async () => {
  const everyCallerResolved = upAt + RESOLUTION_INTERVAL_MS + 2 * (await connectionAgeMs(running[0])) + RECONNECT_MARGIN_MS;
  const before = await readings();
  const deadline = Date.now() + SPREAD_DEADLINE_MS;
  let spread = false;
  let answered = [];
  // Calls go on until they have reached every replica and every caller has had the time to find them all, so
  // that the burst below measures balancing, not discovery; fewer orders once they have, not to sell out.
  const outcomes = await traffic(
    async () => {
      if (Date.now() > deadline) return true;
      if (!spread) {
        answered = await answeredSince(before);
        spread = answered.every((replica) => replica.GetProduct > 0 && replica.ReserveStock > 0);
      }
      return spread && Date.now() >= everyCallerResolved;
    },
    () => (spread ? 4 : 1),
  );
  const failed = [...outcomes.reads, ...outcomes.orders.map((order) => order.status)].filter((status) => status >= 400);
  if (failed.length > 0) throw new Error(`${failed.length} requests failed while spreading: ${[...new Set(failed)].join(', ')}`);
  answered = await answeredSince(before);
  const shown = answered
    .map((replica) => `${replica.name}: GetProduct ${replica.GetProduct}, ReserveStock ${replica.ReserveStock}`)
    .join('; ');
  if (!spread) throw new Error(`not every replica was called within ${SPREAD_DEADLINE_MS / 1000} s: ${shown}`);
  return `${shown}, over ${Math.round((Date.now() - upAt) / 1000)} s, so that every caller could find every replica`;
});

await check('each caller balances a burst of calls round-robin, not all down one connection', async () => {
  // A burst shorter than the servers' connection age: pick-first would send it all to one replica.
  const before = await readings();
  const reads = await Promise.all(Array.from({ length: 30 }, () => readProduct()));
  const orders = await Promise.all(Array.from({ length: 15 }, () => placeOrder(randomUUID())));
  const failed = [...reads, ...orders].filter(({ status }) => status >= 400);
  if (failed.length > 0) throw new Error(`${failed.length} requests of the burst failed`);
  const shares = await answeredSince(before);
  const shown = shares.map((share) => `${share.name}: GetProduct ${share.GetProduct}, ReserveStock ${share.ReserveStock}`).join('; ');
  // Round-robin gives each of three replicas a third: 10 reads and 5 reservations. Some slack for a connection
  // that ages out during the burst.
  if (!shares.every((share) => share.GetProduct >= 5 && share.ReserveStock >= 2)) throw new Error(`uneven: ${shown}`);
  return shown;
});

await check('stopping one replica while orders are placed loses nothing', async () => {
  const stopped = running.at(-1);
  let done = false;
  const load = traffic(() => done);
  await sleep(1000);
  // SIGTERM, as Kubernetes and compose stop a container: the replica drains its calls, then exits.
  await run('docker', ['stop', '--time', '20', stopped.id]);
  await sleep(3000);
  done = true;
  const outcomes = await load;
  const failedReads = outcomes.reads.filter((status) => status !== 200);
  if (failedReads.length > 0) throw new Error(`${failedReads.length} of ${outcomes.reads.length} reads failed: ${failedReads.join(', ')}`);
  const failedOrders = outcomes.orders.filter((order) => order.status !== 201);
  // An order that failed while the replica went away is sent again, as a client would, with the same key.
  for (const order of failedOrders) {
    const again = await placeOrder(order.key);
    if (again.status !== 201 && again.status !== 200)
      throw new Error(`order ${order.key} failed (${order.status}), and again (${again.status})`);
  }
  return `${outcomes.reads.length} reads and ${outcomes.orders.length} orders while ${stopped.name} stopped; ${failedOrders.length} orders sent again`;
});

finish();
