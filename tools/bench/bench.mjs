// `npm run bench`: the same logical operations through gRPC, REST and GraphQL, side by side, in one run.
// Starts the built system on free ports and a fresh database (the REST edge's rate limit raised out of the way),
// seeds the data, and for each operation and each way to do it measures:
//   - latency (p50, p99) at concurrency 1, and throughput and p99 over a concurrency sweep;
//   - throughput and CPU per request in every process at a fixed concurrency, repeated in interleaved rounds
//     (medians with their spread): the ratios between styles are read from these;
//   - bytes on the wire (payload and headers apart) and the calls a client needs for the data;
//   - for streams, the time from an order's status change to its arrival over gRPC, SSE and a subscription.
// Baselines say what the frameworks cost: a plain Fastify + grpc-js edge beside the REST edge, the catalog
// subgraph queried directly beside the gateway, and the gRPC call alone for both.
// Writes docs/benchmarks/README.md and SVG charts (`--out DIR` elsewhere). Numbers from one machine compare
// only with each other: read the ratios.
//   --quick       a short run (under 2 minutes) that writes to .data/bench unless --out is given
//   --out DIR     where the report goes
//   --profile DIR every process writes a V8 CPU profile into DIR when the run ends (node --cpu-prof), which
//                 `node tools/bench/profile-top.mjs DIR graphql-gateway` summarises
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, release } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '@triad/testing';
import { freeSystemPorts, startSystem } from '@triad/testing/system';
import { grpcClient, received } from './lib/clients.mjs';
import { drive, medianOf, percentile } from './lib/drive.mjs';
import { cpuPerRequest, cpuSeconds, systemProcesses } from './lib/processes.mjs';
import { writeReport } from './lib/report.mjs';
import { measureStreams } from './lib/streams.mjs';
import { defineOperations, seed } from './lib/workload.mjs';

const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' }, profile: { type: 'string' } },
});
const PLAN = args.quick
  ? { sweep: [1, 16], sweepSeconds: 1, rounds: 1, roundSeconds: 1.5, warmUpSeconds: 0.5, fixedConcurrency: 32, streamOrders: 3 }
  : { sweep: [1, 4, 16, 64], sweepSeconds: 2.5, rounds: 3, roundSeconds: 3, warmUpSeconds: 1, fixedConcurrency: 32, streamOrders: 20 };
const OUT = args.out ?? (args.quick ? '.data/bench' : 'docs/benchmarks');
const RATE_LIMIT_OFF = '1000000000';

if (!existsSync('/proc/self/stat')) throw new Error("npm run bench reads each process's CPU time from /proc: it runs on Linux only.");

const startedAt = new Date();
const load = [loadavg()[0]];
const dataDir = mkdtempSync(join(tmpdir(), 'triad-bench-'));
const ports = await freeSystemPorts();
console.log('starting the system…');
const profiling = args.profile ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${resolve(args.profile)}` } : {};
const system = await startSystem({ ports, dataDir, env: { RATE_LIMIT_PER_MINUTE: RATE_LIMIT_OFF, ...profiling } });
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
    gateway: `http://127.0.0.1:${ports.gateway}/graphql`,
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
  console.log('streaming…');
  const streams = await measureStreams({ urls, grpc, ...data }, PLAN.streamOrders);
  mkdirSync(OUT, { recursive: true });
  writeReport(OUT, {
    results,
    streams,
    plan: PLAN,
    quick: args.quick,
    machine: {
      cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
      cores: cpus().length,
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
