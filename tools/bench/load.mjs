// `npm run load`: a bounded soak. Starts the built system as the bench does and sends a mix of reads and writes
// through all three edges and the services' gRPC APIs for a fixed time, then reports, per interval, the
// requests, errors and latency, and every process's resident memory. It fails (exit code 1) on any error, and
// on memory that keeps growing after the warm-up: a process whose resident memory rose by more than 10 % over
// the rest of the run, steadily (most intervals higher than the one before).
//   --minutes M       how long to run (default 5; the first fifth, at least 30 s, is warm-up)
//   --concurrency C   requests in flight (default 16)
//   --out DIR         where the report goes (default .data/load)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freeSystemPorts, startSystem } from '@triad/testing/system';
import { grpcClient } from './lib/clients.mjs';
import { percentile } from './lib/drive.mjs';
import { residentMiB, systemProcesses } from './lib/processes.mjs';
import { defineOperations, seed } from './lib/workload.mjs';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    out: { type: 'string', default: '.data/load' },
  },
});
const SECONDS = Number(args.minutes) * 60;
const CONCURRENCY = Number(args.concurrency);
const INTERVAL_SECONDS = SECONDS >= 120 ? 10 : 5;
const WARM_UP_SECONDS = Math.max(30, SECONDS / 5);
/** The ways of every operation a real client would use: no baselines, no 26-call product lookups. */
const SKIPPED = (variant) => variant.baseline || variant.label.includes(' per product');
const GROWTH_LIMIT = 0.1;

const dataDir = mkdtempSync(join(tmpdir(), 'triad-load-'));
const ports = await freeSystemPorts();
console.log(`starting the system; then ${args.minutes} min at concurrency ${CONCURRENCY}…`);
const system = await startSystem({ ports, dataDir, env: { RATE_LIMIT_PER_MINUTE: '1000000000' } });
let failed = false;
try {
  const urls = {
    rest: `http://127.0.0.1:${ports.rest}`,
    gateway: `http://127.0.0.1:${ports.gateway}/graphql`,
    plain: '',
    catalogSubgraph: `http://127.0.0.1:${ports.catalogHttp}/graphql`,
  };
  const grpc = {
    catalog: grpcClient('triad.catalog.v1.CatalogService', `127.0.0.1:${ports.catalogGrpc}`),
    orders: grpcClient('triad.orders.v1.OrdersService', `127.0.0.1:${ports.ordersGrpc}`),
  };
  const mix = defineOperations(urls, grpc, await seed(urls.rest)).flatMap((operation) =>
    operation.variants.filter((variant) => !SKIPPED(variant)),
  );
  const processes = systemProcesses();

  const intervals = [];
  let current = { latencies: [], errors: 0, byLabel: new Map() };
  const firstErrors = [];
  let next = 0;
  const startedAt = performance.now();
  const until = startedAt + SECONDS * 1000;
  const sampler = setInterval(() => {
    intervals.push({ at: Math.round((performance.now() - startedAt) / 1000), ...summarise(current), memory: residentMiB(processes) });
    current = { latencies: [], errors: 0, byLabel: new Map() };
    const last = intervals.at(-1);
    console.log(
      `${String(last.at).padStart(4)} s  ${last.requests} requests, ${last.errors} errors, p50 ${last.p50.toFixed(1)} ms, p99 ${last.p99.toFixed(1)} ms`,
    );
  }, INTERVAL_SECONDS * 1000);
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const variant = mix[next++ % mix.length];
        const sentAt = performance.now();
        try {
          await variant.run();
          current.latencies.push(performance.now() - sentAt);
        } catch (error) {
          current.errors += 1;
          if (firstErrors.length < 5) firstErrors.push(`${variant.label}: ${error.message ?? error}`);
        }
      }
    }),
  );
  clearInterval(sampler);
  for (const client of Object.values(grpc)) client.close();

  const verdicts = memoryVerdicts(intervals.filter((interval) => interval.at > WARM_UP_SECONDS));
  const errors = intervals.reduce((total, interval) => total + interval.errors, 0) + current.errors;
  failed = errors > 0 || verdicts.some((verdict) => verdict.growing);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'README.md'), report({ intervals, verdicts, errors, firstErrors, mix }));
  console.log(
    `\n${errors} errors; memory: ${verdicts.map((v) => `${v.name} ${v.first.toFixed(0)}→${v.last.toFixed(0)} MiB${v.growing ? ' GROWING' : ''}`).join(', ')}`,
  );
  for (const line of firstErrors) console.log(`  ${line}`);
  console.log(`report: ${join(args.out, 'README.md')}`);
} finally {
  await system.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

function summarise({ latencies, errors }) {
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * Per process, resident memory after the warm-up: first and last interval, and whether it keeps growing: up by
 * more than GROWTH_LIMIT and higher than the interval before in most intervals (a plateau or a sawtooth is not).
 */
function memoryVerdicts(measured) {
  if (measured.length < 3) throw new Error('the run is too short to judge memory after the warm-up: give it more --minutes');
  return Object.keys(measured[0].memory).map((name) => {
    const series = measured.map((interval) => interval.memory[name]).filter(Number.isFinite);
    const rises = series.slice(1).filter((value, index) => value > series[index]).length;
    const first = series[0];
    const last = series.at(-1);
    return { name, first, last, growing: last > first * (1 + GROWTH_LIMIT) && rises > (series.length - 1) * 0.6 };
  });
}

function report({ intervals, verdicts, errors, firstErrors, mix }) {
  const names = verdicts.map((verdict) => verdict.name);
  return [
    '# Load: a soak of mixed reads and writes through every edge',
    '',
    `Written by \`npm run load\`: ${args.minutes} min at ${CONCURRENCY} requests in flight, taking turns over ${mix.length} operations ` +
      `(${mix.map((variant) => variant.label).join('; ')}). The first ${WARM_UP_SECONDS} s are warm-up.`,
    '',
    `**${errors === 0 ? 'No errors' : `${errors} errors`}.** ${
      verdicts.some((verdict) => verdict.growing)
        ? '**Memory keeps growing** in ' +
          verdicts
            .filter((verdict) => verdict.growing)
            .map((verdict) => verdict.name)
            .join(', ') +
          '.'
        : "No process's memory keeps growing after the warm-up."
    }`,
    ...firstErrors.map((line) => `- ${line}`),
    '',
    `| s | requests | errors | p50 ms | p99 ms | ${names.map((name) => `${name} MiB`).join(' | ')} |`,
    `| ---: | ---: | ---: | ---: | ---: |${names.map(() => ' ---: |').join('')}`,
    ...intervals.map(
      (interval) =>
        `| ${interval.at} | ${interval.requests} | ${interval.errors} | ${interval.p50.toFixed(1)} | ${interval.p99.toFixed(1)} | ${names.map((name) => (interval.memory[name] ?? NaN).toFixed(0)).join(' | ')} |`,
    ),
    '',
  ].join('\n');
}
