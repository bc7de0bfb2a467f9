// The Prometheus part of the compose smoke test (tools/ci/compose-smoke.sh), run once smoke-checks.mjs has sent
// its traffic, through Prometheus' HTTP API on the published port: every Triad process is a healthy scrape
// target, every rule group and alert of deploy/observability/rules is loaded and evaluates without error, the
// smoke traffic shows in the metrics the rules read, and every query of the Grafana dashboards is valid PromQL
// (Grafana itself is not part of the tested stack). Prints one line per check; exits 1 if any check fails.
//
//   node tools/ci/observability-checks.mjs          # against http://127.0.0.1:9090
//
// PROMETHEUS_URL overrides the address; OBSERVABILITY_WAIT_SECONDS (default 60) bounds each wait for a scrape
// or a rule evaluation (both every 5 s in deploy/observability/prometheus.yml).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checklist } from './checks.mjs';

const prometheus = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';
const waitMs = Number(process.env.OBSERVABILITY_WAIT_SECONDS ?? 60) * 1000;
const observability = join(import.meta.dirname, '../../deploy/observability');

/**
 * The processes that must be scraped. Only these: a service generated into docker-compose.yml has no job in
 * prometheus.yml until someone adds one, and the check does not ask for it.
 */
const APPS = ['users-service', 'catalog-service', 'orders-service', 'rest-api', 'graphql-gateway'];

/** What the smoke checks did, as Prometheus must see it once it has scraped again. */
const TRAFFIC = [
  ['rest-api served HTTP requests', 'sum(http_server_request_duration_count{job="rest-api"})'],
  ['the gateway served /graphql', 'sum(http_server_request_duration_count{job="graphql-gateway", http_route="/graphql"})'],
  ['the gateway ran GraphQL operations', 'sum(graphql_server_request_duration_count{job="graphql-gateway"})'],
  [
    'catalog-service reserved stock for the order',
    'sum(rpc_server_call_duration_count{job="catalog-service", rpc_method="triad.catalog.v1.CatalogService/ReserveStock"})',
  ],
  ['rest-api called orders-service', 'sum(rpc_client_call_duration_count{job="rest-api", rpc_method=~"triad.orders.v1.OrdersService/.+"})'],
  ['orders-service queried its database', 'sum(db_client_operation_duration_count{job="orders-service"})'],
  ['an order was placed', 'sum(triad_orders_placed_total{job="orders-service"})'],
  // A series, not a rate above 0: a counter's first sample is already 1, so one request makes no rate.
  ['the recording rules read rest-api', 'count(job:http_server_requests:rate5m{job="rest-api"})'],
];

/** Metrics every process serves from the start. */
const EVERY_PROCESS = ['process_memory_usage', 'v8js_memory_heap_used', 'nodejs_eventloop_delay_p99'];

const { check, finish } = checklist('observability checks');

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** GET on Prometheus' API; returns `data`, or throws with the API's error. */
async function api(path, params = {}) {
  const url = new URL(`/api/v1/${path}`, prometheus);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = await response.json().catch(() => undefined);
  if (body?.status !== 'success') throw new Error(`${url.pathname}: ${response.status} ${body?.error ?? 'not a Prometheus API answer'}`);
  return body.data;
}

/** An instant query's samples. */
async function query(expr) {
  return (await api('query', { query: expr })).result;
}

/** Set once a wait ran out: Prometheus is not catching up, so the checks after it look once instead of waiting. */
let waitedInVain = false;

/**
 * Calls `attempt` until it returns no problem or the wait is over, and returns the last problem (a string, or
 * undefined when there was none): for what appears with the next scrape or rule evaluation.
 */
async function poll(attempt) {
  const deadline = Date.now() + (waitedInVain ? 0 : waitMs);
  for (;;) {
    let problem;
    try {
      problem = await attempt();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (!problem) return undefined;
    if (Date.now() >= deadline) {
      waitedInVain = true;
      return problem;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The groups and alerts declared in deploy/observability/rules/*.rules.yml (the files Prometheus loads). */
function declaredRules() {
  const groups = [];
  const alerts = [];
  const rules = join(observability, 'rules');
  for (const file of readdirSync(rules).filter((name) => name.endsWith('.rules.yml'))) {
    const text = readFileSync(join(rules, file), 'utf8');
    groups.push(...[...text.matchAll(/^\s*- name:\s*(\S+)\s*$/gm)].map((match) => match[1]));
    alerts.push(...[...text.matchAll(/^\s*- alert:\s*(\S+)\s*$/gm)].map((match) => match[1]));
  }
  return { groups, alerts };
}

/** Every PromQL query of the provisioned Grafana dashboards, with Grafana's interval variables filled in. */
function dashboardQueries() {
  const dashboards = join(observability, 'grafana/dashboards');
  const queries = [];
  const visit = (panel, file) => {
    for (const target of panel.targets ?? []) if (target.expr) queries.push({ file, panel: panel.title, expr: target.expr });
    for (const inner of panel.panels ?? []) visit(inner, file);
  };
  for (const file of readdirSync(dashboards).filter((name) => name.endsWith('.json'))) {
    visit(JSON.parse(readFileSync(join(dashboards, file), 'utf8')), file);
  }
  return queries.map((found) => ({ ...found, expr: found.expr.replaceAll(/\$__(rate_)?interval|\$__range/g, '1m') }));
}

function describeTarget(target) {
  return `${target.health} at ${target.scrapeUrl}${target.lastError ? `: ${target.lastError}` : ''}`;
}

console.log(`observability checks against ${prometheus}:`);

await check('Prometheus is ready', async () => {
  const problem = await poll(async () => {
    const response = await fetch(new URL('/-/ready', prometheus), { signal: AbortSignal.timeout(5_000) });
    return response.ok ? undefined : `GET /-/ready gave ${response.status}`;
  });
  expect(!problem, problem);
});

await check(`every process is scraped and up: ${APPS.join(', ')}`, async () => {
  let targets = [];
  const problem = await poll(async () => {
    targets = (await api('targets', { state: 'active' })).activeTargets;
    const problems = APPS.flatMap((job) => {
      const ofJob = targets.filter((target) => target.labels.job === job);
      if (ofJob.length === 0) return [`${job}: no target (deploy/observability/prometheus.yml has no job ${job})`];
      return ofJob.filter((target) => target.health !== 'up').map((target) => `${job}: ${describeTarget(target)}`);
    });
    return problems.length > 0 ? problems.join('; ') : undefined;
  });
  expect(!problem, problem);
  const others = targets.filter((target) => !APPS.includes(target.labels.job));
  return others.length > 0 ? `also ${others.map((target) => `${target.labels.job} ${target.health}`).join(', ')}` : '';
});

await check('every rule group and alert in deploy/observability/rules is loaded, and evaluates without error', async () => {
  const declared = declaredRules();
  expect(declared.alerts.length > 0, `no alerts found in ${join(observability, 'rules')}/*.rules.yml`);
  let loaded = [];
  const problem = await poll(async () => {
    loaded = (await api('rules')).groups;
    const names = new Set(loaded.map((group) => group.name));
    const alerts = new Set(loaded.flatMap((group) => group.rules.filter((rule) => rule.type === 'alerting').map((rule) => rule.name)));
    const missing = [
      ...declared.groups.filter((name) => !names.has(name)).map((name) => `group ${name}`),
      ...declared.alerts.filter((name) => !alerts.has(name)).map((name) => `alert ${name}`),
    ];
    if (missing.length > 0) return `not loaded: ${missing.join(', ')} (Prometheus has groups ${[...names].join(', ') || 'none'})`;
    const rules = loaded.flatMap((group) => group.rules.map((rule) => ({ group: group.name, ...rule })));
    const failing = rules.filter((rule) => rule.health === 'err');
    if (failing.length > 0) return failing.map((rule) => `${rule.group}/${rule.name}: ${rule.lastError}`).join('; ');
    const pending = rules.filter((rule) => rule.health !== 'ok');
    if (pending.length > 0) return `not evaluated yet: ${pending.map((rule) => rule.name).join(', ')}`;
    return undefined;
  });
  expect(!problem, problem);
  const rules = loaded.flatMap((group) => group.rules);
  return `${loaded.length} groups, ${rules.filter((rule) => rule.type === 'alerting').length} alerts, ${rules.filter((rule) => rule.type === 'recording').length} recording rules`;
});

for (const [name, expr] of TRAFFIC) {
  await check(`${name}: ${expr} > 0`, async () => {
    let value;
    const problem = await poll(async () => {
      const [sample] = await query(expr);
      value = sample ? Number(sample.value[1]) : undefined;
      return value > 0 ? undefined : value === undefined ? 'no series' : `value ${value}`;
    });
    expect(!problem, problem);
    return `${value}`;
  });
}

for (const metric of EVERY_PROCESS) {
  await check(`every process reports ${metric}`, async () => {
    const problem = await poll(async () => {
      const jobs = new Set((await query(`count by (job) (${metric})`)).map((sample) => sample.metric.job));
      const missing = APPS.filter((job) => !jobs.has(job));
      return missing.length > 0 ? `missing for ${missing.join(', ')}` : undefined;
    });
    expect(!problem, problem);
  });
}

await check('every query of the Grafana dashboards is valid PromQL', async () => {
  const queries = dashboardQueries();
  expect(queries.length > 0, 'no queries found in deploy/observability/grafana/dashboards/*.json');
  const invalid = [];
  for (const { file, panel, expr } of queries) {
    await query(expr).catch((error) => invalid.push(`${file} "${panel}": ${error.message}`));
  }
  expect(invalid.length === 0, invalid.join('; '));
  return `${queries.length} queries`;
});

// What fires now is for the reader: right after start-up, TriadServiceDown may still be settling.
await api('alerts')
  .then(({ alerts }) => {
    const active = alerts.filter((alert) => alert.state === 'firing');
    if (active.length > 0)
      console.log(`  note  firing now: ${active.map((alert) => `${alert.labels.alertname} (${alert.labels.job ?? ''})`).join(', ')}`);
  })
  .catch(() => undefined);

finish();
