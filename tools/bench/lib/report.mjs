// Writes the benchmark report: docs/benchmarks/README.md with its tables, and the SVG charts it shows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, lineChart } from './charts.mjs';

const STYLES = ['gRPC', 'REST', 'GraphQL'];
const ms = (value) =>
  Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)) : '—';
const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}` : '—');
const kb = (bytes) => (bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`);

/** The variant a chart shows for a style: the one marked `headline`, or the first that is not a baseline. */
function headline(result, style) {
  const ofStyle = result.variants.filter((variant) => variant.style === style && !variant.baseline);
  return ofStyle.find((variant) => variant.headline) ?? ofStyle[0];
}

const find = (results, key, label) =>
  results.find((result) => result.key === key)?.variants.find((variant) => variant.label.startsWith(label));

/** The targets the project holds itself to, each measured in this run. */
function targets(results, quick) {
  const grpcList = find(results, 'cross', 'gRPC ListOrders (no');
  const gatewayCross = find(results, 'cross', 'GraphQL me.orders');
  const restExpand = find(results, 'cross', 'REST GET /v1/orders?expand');
  const restEntity = find(results, 'entity', 'REST GET');
  const plainEntity = find(results, 'entity', 'baseline: plain');
  const gatewayEntity = find(results, 'entity', 'GraphQL product');
  const subgraphEntity = find(results, 'entity', 'baseline: catalog');
  const p99At64 = gatewayCross?.sweep.find((point) => point.concurrency === 64)?.p99;
  const rows = [
    [
      'Gateway, orders with product names: throughput vs. gRPC ListOrders (without names)',
      '≥ 0.60×',
      gatewayCross.throughput.median / grpcList.throughput.median,
      (value) => value >= 0.6,
      ratio,
    ],
    [
      'Gateway, orders with product names: p99 at 64 concurrent',
      '≤ 250 ms',
      p99At64,
      (value) => value <= 250,
      (value) => `${ms(value)} ms`,
    ],
    [
      'Gateway, orders with product names: CPU per request vs. gRPC ListOrders (without names; was 5.0×)',
      '≤ 2.5×',
      gatewayCross.cpuMs / grpcList.cpuMs,
      (value) => value <= 2.5,
      ratio,
    ],
    [
      'REST orders with expand: throughput vs. the gateway',
      '≥ 0.80×',
      restExpand.throughput.median / gatewayCross.throughput.median,
      (value) => value >= 0.8,
      ratio,
    ],
    [
      'REST edge vs. plain Fastify + grpc-js, one product',
      '≥ 0.90×',
      restEntity.throughput.median / plainEntity.throughput.median,
      (value) => value >= 0.9,
      ratio,
    ],
    [
      'Gateway vs. the subgraph queried directly, one product',
      '≥ 0.80×',
      gatewayEntity.throughput.median / subgraphEntity.throughput.median,
      (value) => value >= 0.8,
      ratio,
    ],
    ['Response headers of a public product read', '≤ 600 B', restEntity.wire.headers, (value) => value <= 600, (value) => `${value} B`],
  ];
  return rows.map(([what, target, value, met, format]) => ({
    what,
    target,
    measured: Number.isFinite(value) ? format(value) : quick ? 'not measured by --quick' : '—',
    met: Number.isFinite(value) ? (met(value) ? 'yes' : '**no**') : '—',
  }));
}

function charts(out, results) {
  const groups = results.map((result) => result.key);
  writeFileSync(
    join(out, 'latency.svg'),
    barChart({
      title: 'Latency at concurrency 1, p50 (headline way of each style)',
      unit: 'ms',
      groups,
      series: STYLES.map((style) => ({ label: style, values: results.map((result) => headline(result, style)?.sweep[0]?.p50) })),
    }),
  );
  const cross = results.find((result) => result.key === 'cross');
  writeFileSync(
    join(out, 'throughput.svg'),
    lineChart({
      title: "Throughput by concurrency: a user's orders with product names",
      xLabel: 'concurrent clients',
      unit: 'requests per second',
      series: cross.variants.map((variant) => ({
        label: variant.label,
        points: variant.sweep.map((point) => [point.concurrency, point.perSecond]),
      })),
    }),
  );
  writeFileSync(
    join(out, 'bytes.svg'),
    barChart({
      title: 'Bytes a client receives for the data (all its calls)',
      unit: 'KB',
      groups,
      series: STYLES.flatMap((style) => [
        { label: `${style} payload`, values: results.map((result) => (headline(result, style)?.wire.payload ?? NaN) / 1024) },
        { label: `${style} headers`, values: results.map((result) => (headline(result, style)?.wire.headers ?? NaN) / 1024) },
      ]),
    }),
  );
}

function operationSection(result) {
  const first = result.variants[0];
  const processes = [...new Set(result.variants.flatMap((variant) => Object.keys(variant.cpuByProcess)))].sort();
  const lines = [
    `### ${result.name}`,
    '',
    `Ratios are to the first row. Throughput and CPU at ${result.variants[0].rounds.length > 1 ? 'the median of the rounds (spread in brackets)' : 'one round'}.`,
    '',
    '| way | calls | payload | headers | p50 / p99 at 1 (ms) | req/s at 32 | × | CPU ms/request | × |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const variant of result.variants) {
    const [single] = variant.sweep;
    const { median, min, max } = variant.throughput;
    lines.push(
      `| ${variant.label} | ${variant.wire.calls} | ${kb(variant.wire.payload)} | ${kb(variant.wire.headers)} | ${ms(single.p50)} / ${ms(single.p99)} | ` +
        `${median.toFixed(0)} (${min.toFixed(0)}–${max.toFixed(0)}) | ${ratio(median / first.throughput.median)} | ${ms(variant.cpuMs)} | ${ratio(variant.cpuMs / first.cpuMs)} |`,
    );
  }
  lines.push(
    '',
    'CPU milliseconds per request in each process:',
    '',
    `| way | ${processes.join(' | ')} |`,
    `| --- |${processes.map(() => ' ---: |').join('')}`,
  );
  for (const variant of result.variants)
    lines.push(`| ${variant.label} | ${processes.map((name) => ms(variant.cpuByProcess[name] ?? 0)).join(' | ')} |`);
  const concurrencies = first.sweep.map((point) => point.concurrency);
  lines.push(
    '',
    'Throughput (req/s) and p99 (ms) by concurrency:',
    '',
    `| way | ${concurrencies.map((c) => `c=${c}`).join(' | ')} |`,
    `| --- |${concurrencies.map(() => ' ---: |').join('')}`,
  );
  for (const variant of result.variants)
    lines.push(
      `| ${variant.label} | ${variant.sweep.map((point) => `${point.perSecond.toFixed(0)} (p99 ${ms(point.p99)})`).join(' | ')} |`,
    );
  return lines.join('\n');
}

export function writeReport(out, run) {
  charts(out, run.results);
  const { machine, load, plan } = run;
  const text = [
    '# Benchmarks: the same operations through gRPC, REST and GraphQL',
    '',
    `Written by \`npm run bench${run.quick ? ' -- --quick' : ''}\` on ${run.startedAt.toISOString().slice(0, 10)} in ${Math.round(run.seconds)} s: ${machine.cpu}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}. ` +
      `Load average (1 min) during the run: ${load.min.toFixed(1)}–${load.max.toFixed(1)}. To reproduce: \`npm ci && npm run bench\` (about 6 minutes; \`-- --quick\` for a short run that writes to \`.data/bench\`).`,
    '',
    '## How to read it',
    '',
    "- **Read the ratios, not the absolute figures.** Every way to do an operation is measured in the same run, on the same data, and the rounds at fixed concurrency are interleaved, so drift in the machine's load falls on all of them alike. Absolute numbers depend on the machine.",
    '- **CPU per request** is the CPU time every process of the system spent (from `/proc`), divided by the requests answered: it carries over to other machines better than requests per second.',
    '- **Bytes** are what a client receives for the data, over all the calls it needs: the payload as sent, and the headers (for HTTP/1.1 the status line and header lines; for gRPC the response metadata and trailers as text, without HTTP/2 pseudo-headers, framing or compression, so an estimate).',
    `- **The system** runs as \`npm start\` runs it (embedded PGlite databases, JSON logs, trace ids and metrics, no spans recorded), with the REST edge's per-client rate limit raised out of the way: every request here comes from one client. Throughput and CPU at ${plan.fixedConcurrency} concurrent clients, ${plan.rounds} interleaved round(s) of ${plan.roundSeconds} s; the sweep runs ${plan.sweepSeconds} s at each of ${plan.sweep.join(', ')} clients.`,
    '- **Baselines** say what a framework costs: a plain Fastify + grpc-js edge beside the REST edge, and the catalog subgraph queried directly beside the gateway.',
    "- **Where the gateway's time goes**: [profile.md](profile.md), and `npm run bench -- --profile DIR` to take a profile of every process.",
    '',
    '![Latency at concurrency 1 by style](latency.svg)',
    '',
    '![Throughput by concurrency for the cross-service view](throughput.svg)',
    '',
    '![Bytes by style](bytes.svg)',
    '',
    '## Targets',
    '',
    '| target | goal | measured | met |',
    '| --- | --- | ---: | --- |',
    ...targets(run.results, run.quick).map((row) => `| ${row.what} | ${row.target} | ${row.measured} | ${row.met} |`),
    '',
    '## Each operation',
    '',
    ...run.results.map((result) => `${operationSection(result)}\n`),
    '### Streaming: from a status change to its arrival',
    '',
    `An admin moves ${run.plan.streamOrders} orders through confirmed, shipped and delivered over gRPC while one client watches each order over all three streams at once; the clock starts when the change is sent, so each figure includes the change itself and the PostgreSQL NOTIFY that carries it.`,
    '',
    '| stream | changes | p50 (ms) | p99 (ms) | max (ms) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...run.streams.map((stream) => `| ${stream.name} | ${stream.samples} | ${ms(stream.p50)} | ${ms(stream.p99)} | ${ms(stream.max)} |`),
    '',
  ].join('\n');
  writeFileSync(join(out, 'README.md'), text);
}
