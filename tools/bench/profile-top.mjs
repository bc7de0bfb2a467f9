// Summarises the V8 CPU profile one process of the system wrote (`npm run bench -- --profile DIR`, or any
// `node --cpu-prof`): where its busy time went, by package and by function (self time), and the inclusive
// share of a few functions worth watching. The first and last seconds (start-up, shutdown) are left out.
//   node tools/bench/profile-top.mjs DIR APP [COUNT]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, app, count = '25'] = process.argv.slice(2);
if (!dir || !app) throw new Error('usage: node tools/bench/profile-top.mjs DIR APP [COUNT]');
const WATCHED = ['fetcher', 'jwtVerify', 'LOG', 'processGraphQLRequest', 'executeQueryPlan', 'startActiveSpan'];

const profile = readdirSync(dir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')))
  .find((candidate) => candidate.nodes.some((node) => node.callFrame.url.includes(`/apps/${app}/dist/`)));
if (!profile) throw new Error(`no profile of ${app} in ${dir}`);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id])));
let clock = profile.startTime;
const times = profile.timeDeltas.map((delta) => (clock += delta));
const [from, to] = [times[0] + 10e6, times.at(-1) - 3e6];
const where = (url) => url.replace(/.*node_modules\//, '').replace(/.*\/(apps|libs)\//, '$1/');
const self = new Map();
const byPackage = new Map();
const inclusive = new Map();
let busy = 0;
const add = (map, key) => map.set(key, (map.get(key) ?? 0) + 1);
profile.samples.forEach((id, index) => {
  const { callFrame } = nodes.get(id);
  if (times[index] < from || times[index] > to || callFrame.functionName === '(idle)') return;
  busy += 1;
  const url = where(callFrame.url);
  add(self, `${callFrame.functionName || '(anonymous)'} ${url}:${callFrame.lineNumber + 1}`);
  add(byPackage, /^(@[^/]+\/[^/]+|[^/]+)/.exec(url)?.[1] ?? callFrame.functionName);
  const seen = new Set();
  for (let current = id; current !== undefined; current = parents.get(current)) seen.add(nodes.get(current).callFrame.functionName);
  for (const name of WATCHED) if (seen.has(name)) add(inclusive, name);
});
const share = (value) => `${((100 * value) / busy).toFixed(1).padStart(5)} %`;
const top = (map, limit) => [...map].sort((a, b) => b[1] - a[1]).slice(0, limit);
console.log(`${app}: ${busy} busy samples\n\nBy package (self time):`);
for (const [name, value] of top(byPackage, 15)) console.log(`  ${share(value)}  ${name}`);
console.log('\nBy function (self time):');
for (const [name, value] of top(self, Number(count))) console.log(`  ${share(value)}  ${name}`);
console.log('\nInclusive time of:');
for (const name of WATCHED) console.log(`  ${share(inclusive.get(name) ?? 0)}  ${name}`);
