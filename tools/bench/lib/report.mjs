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

/** The targets the project holds itself to, each measured in this run, and for each one missed, why, from this run's figures. */
function targets(results, quick, cores, concurrency) {
  const grpcList = find(results, 'cross', 'gRPC ListOrders (no');
  const gatewayCross = find(results, 'cross', 'GraphQL me.orders');
  const restExpand = find(results, 'cross', 'REST GET /v1/orders?expand');
  const restEntity = find(results, 'entity', 'REST GET');
  const plainEntity = find(results, 'entity', 'baseline: plain');
  const gatewayEntity = find(results, 'entity', 'GraphQL product');
  const subgraphEntity = find(results, 'entity', 'baseline: catalog');
  const cpu = (variant, name) => variant.cpuByProcess[name] ?? 0;
  const at = (variant, clients) => variant.sweep.find((point) => point.concurrency === clients);
  // What the gateway's query costs below the gateway: the three subgraphs it crosses.
  const subgraphsCpu = ['users-service', 'orders-service', 'catalog-service'].reduce((sum, name) => sum + cpu(gatewayCross, name), 0);
  const crossCost =
    `The query crosses four processes where \`ListOrders\` runs in one: per request the gateway spends ${ms(cpu(gatewayCross, 'graphql-gateway'))} ms of CPU ` +
    `and the users, orders and catalog subgraphs ${ms(subgraphsCpu)} ms together (each its own HTTP and GraphQL server and database round trip), ` +
    `against ${ms(grpcList.cpuMs)} ms for \`ListOrders\`.`;
  // CPU bounds throughput: ListOrders runs in one process, so on one core at most; the gateway's path spreads
  // over four processes and as many of the machine's cores.
  const pathCores = Math.min(cores, 4);
  const boundWithoutGateway = (pathCores * grpcList.cpuMs) / subgraphsCpu;
  const crossWhy =
    `${crossCost} CPU bounds throughput: \`ListOrders\` runs in one process, so on one core, the gateway's path on ${pathCores} at most; ` +
    `even a gateway that cost nothing would be held to ${ratio(boundWithoutGateway)}× of gRPC by the subgraphs alone` +
    (boundWithoutGateway < 0.6
      ? ', below the goal before the gateway adds anything.'
      : ", and the gateway's own share takes it below the goal.");
  const cpuWhy =
    `${crossCost} The subgraphs alone come to ${ratio(subgraphsCpu / grpcList.cpuMs)}× of \`ListOrders\`; ` +
    `the gateway's own ${ms(cpu(gatewayCross, 'graphql-gateway'))} ms is ${ratio(cpu(gatewayCross, 'graphql-gateway') / grpcList.cpuMs)}× more.`;
  const p99At64 = at(gatewayCross, 64);
  const at16 = at(gatewayCross, 16);
  const busyCores = p99At64 && (gatewayCross.cpuMs * p99At64.perSecond) / 1000;
  const tailWhy =
    p99At64 &&
    `At 64 clients the system's processes keep ${busyCores.toFixed(1)} of the machine's ${cores} cores busy ` +
      `(${ms(gatewayCross.cpuMs)} ms of CPU per request at ${p99At64.perSecond.toFixed(0)} req/s), so most of a request's time is spent queueing: ` +
      `by Little's law the mean is 64 / ${p99At64.perSecond.toFixed(0)} = ${ms((64 / p99At64.perSecond) * 1000)} ms. A request waits its turn in four processes ` +
      `that share the cores with one another and with the load generator, and the unlucky ones wait in all four (p50 ${ms(p99At64.p50)} ms)` +
      (at16
        ? at16.p99 <= 250
          ? `; at 16 clients p99 is ${ms(at16.p99)} ms, within the goal.`
          : `; at 16 clients p99 is ${ms(at16.p99)} ms.`
        : '.');
  const restWhy =
    `The REST edge's own process spends ${ms(cpu(restEntity, 'rest-api'))} ms of CPU per request, the plain edge ${ms(cpu(plainEntity, 'plain-rest-edge'))} ms: ` +
    `the difference is what the plain edge leaves out, an access log line, metrics and trace context (\`npm run bench:telemetry\` measures these apart), ` +
    `request validation, problem documents, caching and security headers. (Behind them, catalog-service spends ${ms(cpu(restEntity, 'catalog-service'))} and ${ms(cpu(plainEntity, 'catalog-service'))} ms.)`;
  const gatewayWhy =
    `One product is cheap for the subgraph (${ms(cpu(subgraphEntity, 'catalog-service'))} ms of CPU per request), so the gateway's fixed cost weighs heavily: ` +
    `${ms(cpu(gatewayEntity, 'graphql-gateway'))} ms to parse, validate and plan the operation, call the subgraph over HTTP and shape its answer, with the same access log, metrics and trace context as every process.`;
  const rows = [
    [
      'Gateway, orders with product names: throughput vs. gRPC ListOrders (without names)',
      '≥ 0.60×',
      gatewayCross.throughput.median / grpcList.throughput.median,
      (value) => value >= 0.6,
      ratio,
      crossWhy,
    ],
    [
      'Gateway, orders with product names: p99 at 64 concurrent',
      '≤ 250 ms',
      p99At64?.p99,
      (value) => value <= 250,
      (value) => `${ms(value)} ms`,
      tailWhy,
    ],
    [
      'Gateway, orders with product names: CPU per request vs. gRPC ListOrders (without names; was 5.0×)',
      '≤ 2.5×',
      gatewayCross.cpuMs / grpcList.cpuMs,
      (value) => value <= 2.5,
      ratio,
      cpuWhy,
    ],
    [
      'REST orders with expand: throughput vs. the gateway',
      '≥ 0.80×',
      restExpand.throughput.median / gatewayCross.throughput.median,
      (value) => value >= 0.8,
      ratio,
      `REST's expanded list costs ${ms(restExpand.cpuMs)} ms of CPU per request against the gateway's ${ms(gatewayCross.cpuMs)} ms; see the per-process table below.`,
    ],
    [
      'REST edge vs. plain Fastify + grpc-js, one product',
      '≥ 0.90×',
      restEntity.throughput.median / plainEntity.throughput.median,
      (value) => value >= 0.9,
      ratio,
      restWhy,
    ],
    [
      'Gateway vs. the subgraph queried directly, one product',
      '≥ 0.80×',
      gatewayEntity.throughput.median / subgraphEntity.throughput.median,
      (value) => value >= 0.8,
      ratio,
      gatewayWhy,
    ],
    [
      'Response headers of a public product read',
      '≤ 600 B',
      restEntity.wire.headers,
      (value) => value <= 600,
      (value) => `${value} B`,
      'A header the edge adds pushed the total over: see `apps/rest-api/src/http/security-headers.ts` and the test that holds it.',
    ],
  ];
  return rows.map(([what, target, value, met, format, why]) => ({
    what,
    target,
    measured: Number.isFinite(value) ? format(value) : quick ? 'not measured by --quick' : '—',
    met: Number.isFinite(value) ? met(value) : undefined,
    why,
  }));
}

/** The targets table, then a paragraph for each target missed. */
function targetsSection(rows) {
  const missed = rows.filter((row) => row.met === false);
  return [
    '| target | goal | measured | met |',
    '| --- | --- | ---: | --- |',
    ...rows.map((row) => `| ${row.what} | ${row.target} | ${row.measured} | ${row.met === undefined ? '—' : row.met ? 'yes' : '**no**'} |`),
    '',
    ...(missed.length > 0 ? ["Why the targets missed are missed, from this run's figures:", ''] : []),
    ...missed.flatMap((row) => [`- **${row.what}** (${row.measured}): ${row.why}`]),
  ];
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
    ...targetsSection(targets(run.results, run.quick, run.machine.cores, run.plan.fixedConcurrency)),
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
