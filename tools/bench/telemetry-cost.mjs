// `npm run bench:telemetry`: what OpenTelemetry, and logging, cost in throughput. For each mode below, starts the
// built system twice (as `npm start` runs it, on free ports and a fresh database), once in that mode and once with
// telemetry off, and drives two reads through the two in turn, a short slice each, round after round:
//   quiet      telemetry off and LOG_LEVEL=warn: not even the line each request and gRPC call logs
//   ids        the default with no OTLP endpoint: trace ids in logs and headers, metrics, no spans recorded
//   exporting  every span recorded and sent over OTLP/HTTP (protobuf) to a receiver that drops them
//   sampled    exporting, with one trace in ten kept (OTEL_TRACES_SAMPLER=parentbased_traceidratio, 0.1)
//   control    telemetry off, like the system it is paired with: its ratio should be 1.00, and how far it is
//              from that is how far the method itself can be trusted on this machine
// Only one system is driven at a time, and the slices are short, so a change in the machine's speed (a shared
// machine's speed moves by tens of percent within minutes) falls on both alike: each round's ratio compares
// slices seconds apart, and the median of the rounds' ratios is reported with the middle half of them. Two
// systems at a time, not all five: with more of them idle beside the one driven, the machine slowed the
// instrumented ones far more than the plain one, a cost no single deployment pays. Also printed: the CPU time each
// system's processes spent per request (from /proc, so Linux only), which includes what a system does between
// its slices (exporting its last spans, timers), and its ratio to the paired system with telemetry off.
// Numbers from one machine compare only with each other.
//   --rounds N        rounds per mode (default 10), the order of the two alternating
//   --slice S         seconds per system and round (default 2), after 5 s of warm-up per system and workload
//   --concurrency C   requests in flight (default 16)
//   --modes M,N       the modes to compare with off (default: all of them, control last)
//   --set NAME=VALUE  an environment variable for every system with telemetry on (repeatable), to see what a
//                     setting costs: --modes exporting --set OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128
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
    rounds: { type: 'string', default: '10' },
    slice: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    modes: { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const ROUNDS = Number(args.rounds);
const SLICE_SECONDS = Number(args.slice);
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

const SETTINGS = Object.fromEntries(
  args.set.map((setting) => {
    const [name, ...value] = setting.split('=');
    if (!name || value.length === 0) throw new Error(`--set ${setting}: expected NAME=VALUE`);
    return [name, value.join('=')];
  }),
);
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
  control: { OTEL_SDK_DISABLED: 'true' },
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

/** Starts one system in `mode` beside those already running (`others`: their process ids) and signs in. */
async function startMode(mode, others) {
  const dataDir = mkdtempSync(join(tmpdir(), 'triad-bench-telemetry-'));
  let system;
  const stop = async () => {
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    system = await startSystem({
      ports: await freeSystemPorts(),
      dataDir,
      env: { ...MODES[mode], ...(MODES[mode].OTEL_SDK_DISABLED ? {} : SETTINGS), RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_OFF) },
    });
    const rest = `http://127.0.0.1:${system.ports.rest}`;
    const signIn = await fetch(`${rest}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
    });
    const { access_token: token } = await signIn.json();
    const { products } = await (await fetch(`${rest}/v1/products?page_size=1`)).json();
    return { processes: systemProcesses({}, others), workloads: workloads(system, rest, token, products[0].id), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Drives `request` for `seconds` at CONCURRENCY; any failed request aborts the run. */
async function slice(request, seconds) {
  const run = await drive(
    async () => {
      const response = await request();
      const body = await response.text();
      if (!response.ok || body.includes('"errors"')) throw new Error(`${response.status}: ${body.slice(0, 300)}`);
    },
    { concurrency: CONCURRENCY, seconds },
  );
  if (run.failures > 0) throw run.firstFailure;
  return run;
}

// Every mode but off (each one's partner) by default, in the order listed: control last.
const compared = args.modes?.split(',').map((mode) => mode.trim()) ?? Object.keys(MODES).filter((mode) => mode !== 'off');
const unknownModes = compared.filter((mode) => !(mode in MODES) || mode === 'off');
if (unknownModes.length > 0) throw new Error(`--modes: no mode ${unknownModes.join(', ')}; the modes are ${Object.keys(MODES).join(', ')}`);
const results = {};
const load = [loadavg()[0]];
try {
  for (const mode of compared) {
    process.stdout.write(`starting the system twice, with telemetry off and ${mode}...\n`);
    const pair = {};
    try {
      pair.off = await startMode('off', new Set());
      pair[mode] = await startMode(mode, new Set(pair.off.processes.values()));
      for (const workload of Object.keys(pair.off.workloads)) {
        results[workload] ??= {};
        results[workload][mode] = await compare(pair, mode, workload);
      }
    } finally {
      await Promise.allSettled(Object.values(pair).map((system) => system.stop()));
    }
  }
  report(results);
} finally {
  receiver.close();
}

/** Drives `workload` through both systems of `pair` in turn, ROUNDS times, and compares `mode` with off. */
async function compare(pair, mode, workload) {
  const order = ['off', mode];
  for (const each of order) await slice(pair[each].workloads[workload], WARM_UP_SECONDS);
  const perSecond = { off: [], [mode]: [] };
  const completed = { off: 0, [mode]: 0 };
  const cpuBefore = { off: cpuSeconds(pair.off.processes), [mode]: cpuSeconds(pair[mode].processes) };
  for (let round = 0; round < ROUNDS; round += 1) {
    process.stdout.write(`  ${workload}: round ${round + 1}/${ROUNDS}\n`);
    for (const each of round % 2 === 0 ? order : [...order].reverse()) {
      const run = await slice(pair[each].workloads[workload], SLICE_SECONDS);
      perSecond[each].push(run.perSecond);
      completed[each] += run.completed;
    }
    load.push(loadavg()[0]);
  }
  const cpu = (each) => cpuPerRequest(cpuBefore[each], cpuSeconds(pair[each].processes), completed[each]);
  const [modeCpu, offCpu] = [cpu(mode), cpu('off')];
  return {
    perSecond: perSecond[mode],
    offPerSecond: perSecond.off,
    ratios: perSecond[mode].map((value, round) => value / perSecond.off[round]),
    cpuMs: modeCpu.total,
    offCpuMs: offCpu.total,
    // Which process pays: each one's CPU per request as a multiple of its twin's with telemetry off, for the
    // processes the workload keeps busy (at least a twentieth of the system's CPU with telemetry off).
    cpuRatioByProcess: Object.fromEntries(
      Object.entries(offCpu.perProcess)
        .filter(([, ms]) => ms >= offCpu.total / 20)
        .map(([name, ms]) => [name, (modeCpu.perProcess[name] ?? 0) / ms]),
    ),
  };
}

/** The value below which a share `q` (0–1) of `sorted` lies, nearest rank. */
function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function report(results) {
  console.log(
    `\n${ROUNDS} rounds of ${SLICE_SECONDS} s per mode at concurrency ${CONCURRENCY}; ` +
      `load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`,
  );
  const settings = Object.entries(SETTINGS).map(([name, value]) => `${name}=${value}`);
  if (settings.length > 0) console.log(`every system with telemetry on also had ${settings.join(' ')}`);
  for (const [workload, byMode] of Object.entries(results)) {
    const compared = Object.values(byMode);
    const offPerSecond = medianOf(compared.flatMap((each) => each.offPerSecond)).median;
    const offCpuMs = medianOf(compared.map((each) => each.offCpuMs)).median;
    console.log(`\n${workload}`);
    console.log(`  ${'off'.padEnd(10)} ${offPerSecond.toFixed(0).padStart(6)} req/s   CPU ${offCpuMs.toFixed(2)} ms/request`);
    for (const [mode, { perSecond, ratios, cpuMs, offCpuMs: pairedOffCpuMs, cpuRatioByProcess }] of Object.entries(byMode)) {
      const sortedRatios = [...ratios].sort((a, b) => a - b);
      console.log(
        `  ${mode.padEnd(10)} ${medianOf(perSecond).median.toFixed(0).padStart(6)} req/s` +
          `   ratio to off ${medianOf(ratios).median.toFixed(2)} (middle half ${quantile(sortedRatios, 0.25).toFixed(2)}–${quantile(sortedRatios, 0.75).toFixed(2)})` +
          `   CPU ${cpuMs.toFixed(2)} ms/request, ×${(cpuMs / pairedOffCpuMs).toFixed(2)}`,
      );
      const byProcess = Object.entries(cpuRatioByProcess).map(([name, ratio]) => `${name} ×${ratio.toFixed(2)}`);
      if (byProcess.length > 0) console.log(`  ${''.padEnd(10)} CPU per request by process: ${byProcess.join(', ')}`);
    }
  }
}
