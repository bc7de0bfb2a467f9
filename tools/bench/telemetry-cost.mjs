// `npm run bench:telemetry`: what OpenTelemetry, and logging, cost in throughput. Starts the built system (as
// `npm start` runs it, on free ports and a fresh database) once per mode and round, drives two reads through it
// for a fixed time at a fixed concurrency, and prints requests per second per mode with its ratio to telemetry off:
//   quiet      telemetry off and LOG_LEVEL=warn: not even the line each request and gRPC call logs
//   off        OTEL_SDK_DISABLED=true: no instrumentation at all
//   ids        the default with no OTLP endpoint: trace ids in logs and headers, metrics, no spans recorded
//   exporting  every span recorded and sent over OTLP/HTTP (protobuf) to a receiver that drops them
//   sampled    exporting, with one trace in ten kept (OTEL_TRACES_SAMPLER=parentbased_traceidratio, 0.1)
// The modes are interleaved round by round, so drift in the machine's load falls on all of them alike; the
// median of the rounds is reported with its spread, and the CPU time all the system's processes spent per
// request (from /proc, so Linux only). Numbers from one machine compare only with each other.
//   --rounds N        rounds per mode (default 3)
//   --seconds S       measured seconds per workload (default 10, after 5 s of warm-up)
//   --concurrency C   requests in flight (default 16)
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freeSystemPorts, startSystem } from '@triad/testing/system';
import { drive, medianOf } from './lib/drive.mjs';
import { cpuPerRequest, cpuSeconds, systemProcesses } from './lib/processes.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const WARM_UP_SECONDS = 5;
/** The REST edge's per-client limit, raised out of the way: every request here comes from one client. */
const RATE_LIMIT_OFF = 1_000_000_000;

/** An OTLP/HTTP endpoint that accepts every export and keeps nothing: the cost measured is the processes'. */
async function startDiscardingReceiver() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { endpoint: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

const receiver = await startDiscardingReceiver();
const MODES = {
  quiet: { OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'warn' },
  off: { OTEL_SDK_DISABLED: 'true' },
  ids: {},
  exporting: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
  sampled: {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '0.1',
  },
};

/** The two reads measured: a REST read served by one service, and a GraphQL query across three. */
function workloads(system, rest, token, productId) {
  return {
    'REST GET /v1/products/{id}': () => fetch(`${rest}/v1/products/${productId}`),
    'GraphQL me.orders with product names': () =>
      fetch(system.urls.gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { orders(first: 10) { nodes { id items { quantity product { name } } } } } }' }),
      }),
  };
}

/**
 * Completed requests per second over `seconds`, with CONCURRENCY loops, and the system's CPU milliseconds per
 * request (the figure that carries over to other machines); any failed request aborts the run.
 */
async function throughput(request, seconds) {
  const processes = systemProcesses();
  const cpuBefore = cpuSeconds(processes);
  const run = await drive(
    async () => {
      const response = await request();
      const body = await response.text();
      if (!response.ok || body.includes('"errors"')) throw new Error(`${response.status}: ${body.slice(0, 300)}`);
    },
    { concurrency: CONCURRENCY, seconds },
  );
  if (run.failures > 0) throw run.firstFailure;
  return { perSecond: run.perSecond, cpuMs: cpuPerRequest(cpuBefore, cpuSeconds(processes), run.completed).total };
}

async function measure(mode) {
  const dataDir = mkdtempSync(join(tmpdir(), 'triad-bench-telemetry-'));
  const system = await startSystem({
    ports: await freeSystemPorts(),
    dataDir,
    env: { ...MODES[mode], RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_OFF) },
  });
  try {
    const rest = `http://127.0.0.1:${system.ports.rest}`;
    const signIn = await fetch(`${rest}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
    });
    const { access_token: token } = await signIn.json();
    const { products } = await (await fetch(`${rest}/v1/products?page_size=1`)).json();
    const results = {};
    for (const [name, request] of Object.entries(workloads(system, rest, token, products[0].id))) {
      await throughput(request, WARM_UP_SECONDS);
      results[name] = await throughput(request, SECONDS);
    }
    return results;
  } finally {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const runs = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, []]));
const load = [loadavg()[0]];
for (let round = 1; round <= ROUNDS; round += 1) {
  for (const mode of Object.keys(MODES)) {
    process.stdout.write(`round ${round}/${ROUNDS}: ${mode}...\n`);
    runs[mode].push(await measure(mode));
    load.push(loadavg()[0]);
  }
}
receiver.close();

const median = (values) => medianOf(values).median;
const workloadNames = Object.keys(runs.off[0]);
console.log(
  `\n${ROUNDS} rounds, ${SECONDS} s each at concurrency ${CONCURRENCY}; load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`,
);
for (const workload of workloadNames) {
  const baseline = median(runs.off.map((run) => run[workload].perSecond));
  const baselineCpu = median(runs.off.map((run) => run[workload].cpuMs));
  console.log(`\n${workload}`);
  for (const mode of Object.keys(MODES)) {
    const values = runs[mode].map((run) => run[workload].perSecond);
    const ratios = values.map((value) => value / baseline);
    const cpu = runs[mode].map((run) => run[workload].cpuMs);
    console.log(
      `  ${mode.padEnd(10)} ${median(values).toFixed(0).padStart(6)} req/s (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})` +
        `   ratio to off ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` +
        `   CPU ${median(cpu).toFixed(2)} ms/request, ×${(median(cpu) / baselineCpu).toFixed(2)}`,
    );
  }
}
