// Keeps a record of the gateway's public schema, the API that clients see (the supergraph without
// federation's routing details), in apps/graphql-gateway/supergraph/public-schema.graphql, and refuses
// breaking changes to it that nobody decided on.
//
//   node tools/graphql/public-schema.mjs --check                  (npm test: fails on any unrecorded change)
//   node tools/graphql/public-schema.mjs --record                 (npm run schema:record: additive changes)
//   node tools/graphql/public-schema.mjs --record --accept-breaking
//
// A breaking change (a removed field, a type or argument that changed incompatibly) is recorded only with
// --accept-breaking, which also lists it in schema-changes.md beside the schema, so the decision is in the diff.
import federation from '@apollo/federation-internals';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { Supergraph, printSchema } = federation;
const folder = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'apps/graphql-gateway/supergraph');
const supergraphFile = join(folder, 'supergraph.graphql');
const recordFile = join(folder, 'public-schema.graphql');
const changesFile = join(folder, 'schema-changes.md');
const HEADER =
  '# The public schema of the gateway, as recorded by `npm run schema:record` (tools/graphql/public-schema.mjs).\n' +
  '# npm test fails when the supergraph no longer matches it; breaking changes need --accept-breaking.\n\n';

const { values: options } = parseArgs({ options: { check: { type: 'boolean' }, record: { type: 'boolean' }, 'accept-breaking': { type: 'boolean' } } });
const current = `${HEADER}${printSchema(Supergraph.build(readFileSync(supergraphFile, 'utf8')).apiSchema())}\n`;
const recorded = existsSync(recordFile) ? readFileSync(recordFile, 'utf8') : undefined;
const breaking = recorded === undefined ? [] : findBreakingChanges(buildSchema(recorded), buildSchema(current));
const dangerous = recorded === undefined ? [] : findDangerousChanges(buildSchema(recorded), buildSchema(current));

if (options.record) record();
else check();

function check() {
  if (current === recorded) {
    console.log('public-schema.graphql matches the supergraph.');
    return;
  }
  if (breaking.length > 0) {
    fail(
      `The public schema has breaking changes that are not recorded:\n${list(breaking)}\n` +
        'Keep the old fields (deprecate them with @deprecated) or, if clients are ready, record the change with ' +
        '`npm run schema:record -- --accept-breaking`.',
    );
  }
  fail(`public-schema.graphql does not match the supergraph${dangerous.length > 0 ? `:\n${list(dangerous)}` : ''}\nRecord the change with \`npm run schema:record\`.`);
}

function record() {
  if (breaking.length > 0 && !options['accept-breaking']) {
    fail(`Not recorded: these changes break clients:\n${list(breaking)}\nRun again with --accept-breaking if that is intended.`);
  }
  if (breaking.length > 0) {
    appendFileSync(changesFile, `\n## ${new Date().toISOString().slice(0, 10)}: breaking changes accepted\n\n${list(breaking)}\n`);
  }
  writeFileSync(recordFile, current);
  console.log(`Recorded ${recordFile}${breaking.length > 0 ? ` and ${breaking.length} breaking change(s) in ${changesFile}` : ''}.`);
}

function list(changes) {
  return changes.map((change) => `- ${change.description}`).join('\n');
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
