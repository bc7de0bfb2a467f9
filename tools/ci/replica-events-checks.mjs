// The compose smoke test's checks that order status events cross instances (tools/ci/compose-smoke.sh), run after
// scale-checks.mjs while orders-service runs as two replicas and each edge as two instances (tools/ci/compose-scale.yml):
// an order placed through the second REST instance is watched at once over SSE on both REST instances and over a
// graphql-ws subscription on both gateways, and as the demo fulfilment simulator (on in every orders-service
// replica) moves it along, every watcher must see each status exactly once and in order, ending with delivered.
// Each orders-service replica's own /metrics, read inside its container, must show that both served WatchOrder
// calls of those watchers: the changes reached watchers on a replica other than the one that made them.
//
//   node tools/ci/replica-events-checks.mjs PROJECT      # the compose project, e.g. triad-smoke
//
// A web app session started on one gateway instance must hold on the other, and a sign-out on either end it on both.
//
// Containers are found by their compose labels, as the edges' copies are services of the scale overlay only.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { callsAnswered, checklist, composeContainers, request } from './checks.mjs';

const [project] = process.argv.slice(2);
if (!project) {
  console.error('usage: node tools/ci/replica-events-checks.mjs PROJECT');
  process.exit(2);
}
const ORDERS_HTTP_PORT = 4003;
/** Each edge instance on its own host port (tools/ci/compose-scale.yml publishes the copies). */
const REST = [
  { service: 'rest-api', url: 'http://127.0.0.1:3000' },
  { service: 'rest-api-2', url: 'http://127.0.0.1:3100' },
];
const GATEWAYS = [
  { service: 'graphql-gateway', url: 'http://127.0.0.1:4000' },
  { service: 'graphql-gateway-2', url: 'http://127.0.0.1:4100' },
];
/** What the fulfilment simulator does to every new order, a step every FULFILMENT_STEP_MS (5 s in compose). */
const LIFECYCLE = ['pending', 'confirmed', 'shipped', 'delivered'];
/** How long a round's watchers have to see the whole lifecycle: three steps take 15 to 20 s. */
const LIFECYCLE_DEADLINE_MS = 60_000;
/** Rounds (one order each, more watchers each time) to find both orders-service replicas serving watches. */
const MAX_ROUNDS = 3;
/** The REST edge's cap is 5 event streams per caller and instance; a round never needs more than this. */
const MAX_WATCHERS_PER_INSTANCE = 4;

const { check, finish } = checklist('replica event checks');
const run = promisify(execFile);

/** The addresses a name resolves to on the compose network, as a process in `container` resolves it. */
async function addressesOf(container, name) {
  const script = `require('node:dns').promises.lookup('${name}', { all: true }).then((found) => process.stdout.write(found.map((a) => a.address).join(' ')))`;
  const { stdout } = await run('docker', ['exec', container.id, 'node', '-e', script]);
  return stdout.split(' ').filter(Boolean);
}

let auth;
let product;

/**
 * Waits, if need be, until Alice has `needed` REST requests left this minute: the limit counts per user across
 * both instances (in Valkey), and scale-checks.mjs has just placed many orders as Alice. A watcher refused with
 * 429 while the order is pending would miss its first status.
 */
async function allowance(needed) {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const response = await fetch(`${REST[0].url}/v1/products?page_size=1`, { headers: auth, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    const remaining = Number(response.headers.get('ratelimit-remaining') ?? Infinity);
    if (response.status !== 429 && remaining >= needed) return;
    const reset = Number(response.headers.get('ratelimit-reset') ?? response.headers.get('retry-after') ?? 60);
    await sleep((Math.min(reset, 60) + 1) * 1000);
  }
}

/** Reads `event: status` messages from an SSE stream until it ends; never rejects: a failure is in `error`. */
async function sseWatcher(base, orderId, signal, placedAt) {
  const events = [];
  try {
    const response = await fetch(`${base}/v1/orders/${orderId}/events`, { headers: { ...auth, accept: 'text/event-stream' }, signal });
    if (response.status !== 200) return { events, error: `answered ${response.status} ${(await response.text()).slice(0, 200)}` };
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = {};
        for (const line of block.split('\n')) {
          const match = /^([a-z]+): ?(.*)$/.exec(line);
          if (match) fields[match[1]] = fields[match[1]] === undefined ? match[2] : `${fields[match[1]]}\n${match[2]}`;
        }
        if (fields.event !== 'status') continue;
        const data = JSON.parse(fields.data);
        events.push({ status: data.status, changedAt: data.changed_at, id: fields.id, afterMs: Date.now() - placedAt });
      }
    }
    return { events };
  } catch (error) {
    const reason = signal.aborted ? `still open after ${LIFECYCLE_DEADLINE_MS / 1000} s` : String(error?.message ?? error);
    return { events, error: reason };
  }
}

/** One graphql-ws (graphql-transport-ws) subscription to orderStatusChanged, until it completes; never rejects. */
function subscriptionWatcher(base, orderId, signal, placedAt) {
  return new Promise((resolve) => {
    const events = [];
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    let settled = false;
    const settle = (error) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', aborted);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
      resolve(error ? { events, error } : { events });
    };
    const aborted = () => settle(`still subscribed after ${LIFECYCLE_DEADLINE_MS / 1000} s`);
    signal.addEventListener('abort', aborted);
    const send = (message) => socket.send(JSON.stringify(message));
    socket.addEventListener('open', () => send({ type: 'connection_init', payload: { authorization: auth.authorization } }));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data));
      switch (message.type) {
        case 'connection_ack':
          send({
            id: '1',
            type: 'subscribe',
            payload: {
              operationName: 'Watch',
              query: 'subscription Watch($orderId: ID!) { orderStatusChanged(orderId: $orderId) { status changedAt } }',
              variables: { orderId },
            },
          });
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'next': {
          const change = message.payload?.data?.orderStatusChanged;
          if (message.payload?.errors || !change) return settle(`errors: ${JSON.stringify(message.payload?.errors ?? message.payload)}`);
          events.push({ status: change.status.toLowerCase(), changedAt: change.changedAt, afterMs: Date.now() - placedAt });
          break;
        }
        case 'error':
          return settle(`subscription refused: ${JSON.stringify(message.payload)}`);
        case 'complete':
          return settle();
      }
    });
    socket.addEventListener('close', (event) => settle(`socket closed (${event.code} ${event.reason}) before the subscription completed`));
    socket.addEventListener('error', () => settle('socket failed'));
  });
}

/**
 * One round: places an order through rest-api-2, opens `perInstance` watchers on each of the four edge
 * instances at once, waits until they all end (or the deadline), and reads how many WatchOrder calls each
 * orders-service replica answered meanwhile.
 */
async function watchRound(replicas, perInstance) {
  await allowance(2 * perInstance + 5);
  const before = await Promise.all(replicas.map((replica) => callsAnswered(replica, ORDERS_HTTP_PORT)));
  const placed = await request(`${REST[1].url}/v1/orders`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ items: [{ product_id: product.id, quantity: 1 }] }),
  });
  if (placed.status !== 201)
    throw new Error(`placing an order through rest-api-2 answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const orderId = placed.body.id;
  const placedAt = Date.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), LIFECYCLE_DEADLINE_MS);
  const watchers = [];
  for (let index = 1; index <= perInstance; index += 1) {
    for (const edge of REST)
      watchers.push({ label: `SSE ${edge.service} #${index}`, seen: sseWatcher(edge.url, orderId, deadline.signal, placedAt) });
    for (const edge of GATEWAYS)
      watchers.push({
        label: `subscription ${edge.service} #${index}`,
        seen: subscriptionWatcher(edge.url, orderId, deadline.signal, placedAt),
      });
  }
  for (const watcher of watchers) Object.assign(watcher, await watcher.seen);
  clearTimeout(timer);
  const endedMs = Date.now() - placedAt;

  // The calls count as they end; the last may be recorded a moment after its watcher saw the end.
  let served;
  for (const waitUntil = Date.now() + 10_000; ; await sleep(500)) {
    const after = await Promise.all(replicas.map((replica) => callsAnswered(replica, ORDERS_HTTP_PORT)));
    served = replicas.map((replica, index) => ({
      name: replica.name,
      WatchOrder: (after[index].WatchOrder ?? 0) - (before[index].WatchOrder ?? 0),
      PlaceOrder: (after[index].PlaceOrder ?? 0) - (before[index].PlaceOrder ?? 0),
    }));
    if (served.reduce((sum, replica) => sum + replica.WatchOrder, 0) >= watchers.length || Date.now() > waitUntil) break;
  }
  return { orderId, perInstance, watchers, endedMs, served };
}

/** What is wrong with what a round's watchers saw: each status once, in order, ending delivered, the same changes for all. */
function problemsOf(round) {
  const problems = [];
  for (const watcher of round.watchers) {
    const statuses = watcher.events.map((event) => event.status);
    const shown = statuses.join(' → ') || 'nothing';
    if (watcher.error) problems.push(`${watcher.label}: ${watcher.error}; saw ${shown}`);
    else if (statuses.join() !== LIFECYCLE.join()) problems.push(`${watcher.label}: saw ${shown}`);
    const times = watcher.events.map((event) => Date.parse(event.changedAt));
    if (times.some((time, index) => index > 0 && !(time > times[index - 1])))
      problems.push(`${watcher.label}: change times not increasing`);
  }
  for (const status of LIFECYCLE) {
    const times = new Set(
      round.watchers.flatMap((watcher) =>
        watcher.events.filter((event) => event.status === status).map((event) => Date.parse(event.changedAt)),
      ),
    );
    if (times.size > 1) problems.push(`watchers disagree on when the order became ${status}: ${times.size} different times`);
  }
  return problems;
}

const servedShown = (round) =>
  round.served.map((replica) => `${replica.name}: ${replica.WatchOrder} WatchOrder, ${replica.PlaceOrder} PlaceOrder`).join('; ');
const spread = (round) => round.served.length === 2 && round.served.every((replica) => replica.WatchOrder > 0);

const ordersReplicas = await composeContainers(project, 'orders-service');
await check('orders-service runs as two replicas', async () => {
  if (ordersReplicas.length !== 2)
    throw new Error(`found ${ordersReplicas.length}: ${ordersReplicas.map((replica) => replica.name).join(', ')}`);
  return ordersReplicas.map((replica) => replica.name).join(', ');
});

await check('each edge runs as two instances, each ready on its own host port', async () => {
  const shown = [];
  for (const edge of [...REST, ...GATEWAYS]) {
    const running = await composeContainers(project, edge.service);
    if (running.length !== 1) throw new Error(`${edge.service}: ${running.length} containers running`);
    const { status, body } = await request(`${edge.url}/readyz`);
    if (status !== 200) throw new Error(`${edge.service} (${edge.url}/readyz) answered ${status}: ${JSON.stringify(body)}`);
    shown.push(`${running[0].name} on ${new URL(edge.url).port}`);
  }
  // The copies answer to the originals' names, so the gateway's REST subgraph (http://rest-api:3000) reaches both.
  const [gateway] = await composeContainers(project, 'graphql-gateway');
  for (const name of ['rest-api', 'graphql-gateway']) {
    const addresses = await addressesOf(gateway, name);
    if (addresses.length !== 2)
      throw new Error(`${name} resolves to ${addresses.length} addresses on the compose network: ${addresses.join(', ')}`);
    shown.push(`${name} resolves to ${addresses.join(' and ')}`);
  }
  return shown.join('; ');
});

await check('a web app session started on one gateway works on the other, and signing out on the other ends it on both', async () => {
  const signedIn = await request(`${GATEWAYS[0].url}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
  });
  if (signedIn.status !== 200) throw new Error(`sign-in on ${GATEWAYS[0].service} answered ${signedIn.status}`);
  const cookie = (signedIn.headers.getSetCookie()[0] ?? '').split(';')[0];
  const me = (gateway) =>
    request(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: '{ me { email } }' }),
    });
  const other = await me(GATEWAYS[1]);
  if (other.body.data?.me?.email !== 'alice@triad.dev')
    throw new Error(`${GATEWAYS[1].service} answered ${other.status} ${JSON.stringify(other.body)}`);
  const signedOut = await request(`${GATEWAYS[1].url}/session`, { method: 'DELETE', headers: { cookie } });
  if (signedOut.status !== 204) throw new Error(`sign-out on ${GATEWAYS[1].service} answered ${signedOut.status}`);
  const statuses = await Promise.all(GATEWAYS.map(async (gateway) => (await me(gateway)).status));
  if (statuses.some((status) => status !== 401)) throw new Error(`after sign-out the cookie got ${statuses.join(' and ')}, not 401`);
  return `me on ${GATEWAYS[1].service} by the cookie of ${GATEWAYS[0].service}; after sign-out both answered 401`;
});

await check('a demo user signs in, and the catalog lists a product with stock', async () => {
  const signedIn = await request(`${REST[0].url}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
  });
  if (signedIn.status !== 200) throw new Error(`sign-in answered ${signedIn.status}`);
  auth = { authorization: `Bearer ${signedIn.body.access_token}` };
  const listed = await request(`${REST[0].url}/v1/products?page_size=20`);
  product =
    listed.body.products?.find((candidate) => candidate.stock_on_hand > 100) ??
    listed.body.products?.find((candidate) => candidate.stock_on_hand > 0);
  if (!product) throw new Error(`no product with stock listed (${listed.status})`);
  return `${product.name}, ${product.stock_on_hand} in stock`;
});
if (!product) finish();

const rounds = [];
await check('every watcher, on every edge instance, sees pending → confirmed → shipped → delivered exactly once, in order', async () => {
  const round = await watchRound(ordersReplicas, 2);
  rounds.push(round);
  const problems = problemsOf(round);
  if (problems.length > 0) throw new Error(`order ${round.orderId}: ${problems.join('; ')}`);
  const delivered = Math.max(...round.watchers.map((watcher) => watcher.events.at(-1).afterMs));
  const firstSeen = Math.max(...round.watchers.map((watcher) => watcher.events[0].afterMs));
  return (
    `order ${round.orderId} placed through rest-api-2; ${round.watchers.length} watchers (2 SSE on each REST instance, ` +
    `2 subscriptions on each gateway) all saw pending within ${(firstSeen / 1000).toFixed(1)} s and delivered after ${(delivered / 1000).toFixed(1)} s`
  );
});

await check('both orders-service replicas served WatchOrder calls of those watchers', async () => {
  if (ordersReplicas.length !== 2) throw new Error(`needs two replicas, found ${ordersReplicas.length}`);
  // A round whose watchers all landed on one replica proves nothing about crossing: watch a new order with more
  // watchers, a few times, before calling it a failure.
  while (!rounds.some(spread) && rounds.length < MAX_ROUNDS) {
    const round = await watchRound(ordersReplicas, Math.min(MAX_WATCHERS_PER_INSTANCE, 2 + rounds.length));
    rounds.push(round);
    const problems = problemsOf(round);
    if (problems.length > 0) throw new Error(`round ${rounds.length}, order ${round.orderId}: ${problems.join('; ')}`);
  }
  const shown = rounds.map((round, index) => `round ${index + 1} (${round.watchers.length} watchers): ${servedShown(round)}`).join('; ');
  if (!rounds.some(spread)) throw new Error(`in ${rounds.length} rounds no round had watches served by both replicas: ${shown}`);
  // Every watcher saw each change with the same time: one commit, by one replica, that reached watches on both.
  return `${shown}; each change was committed once and reached the watches on both replicas`;
});

finish();
