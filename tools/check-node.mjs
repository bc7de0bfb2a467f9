// Runs before `npm start` and `npm test` (their pre-scripts): on a Node older than package.json's `engines`
// asks for, it stops them with one line saying what to install. (`engine-strict` in .npmrc stops `npm ci` and
// `npm install` the same way.) Plain enough for old Nodes, since those are the ones it has to speak on.
import { readFileSync } from 'node:fs';

const required = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(required);
if (!minimum) {
  console.error(`tools/check-node.mjs reads only an engines.node of the form ">=24.15", got "${required}".`);
  process.exit(1);
}
const parts = (version) => [...version.split('.').map(Number), 0, 0].slice(0, 3);
const [wanted, current] = [parts(minimum[1]), parts(process.versions.node)];
const index = wanted.findIndex((part, i) => part !== current[i]);
if (index !== -1 && current[index] < wanted[index]) {
  console.error(
    `Triad needs Node ${minimum[1]} or newer, this is Node ${process.versions.node}: install Node ${wanted[0]} (\`nvm install\` reads .nvmrc), then run npm ci.`,
  );
  process.exit(1);
}
