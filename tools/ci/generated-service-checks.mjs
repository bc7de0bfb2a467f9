// Checks, from outside, that a service made by `npx nx g @triad/tools:service <name>` works in a running
// system: its gRPC server describes its contract through reflection, the gateway serves its entity (a demo
// user creates one through the gateway and reads it back, by id and in the list), and its /metrics counted that.
//
//   node tools/ci/generated-service-checks.mjs <name> <resource> <gateway URL> <service gRPC host:port> <service HTTP URL>
//
// <name> and <resource> are the domain and resource the generator was given (`reviews`, `review`).
//
// Used by tools/ci/generator-check.sh against `npm start`'s system and against docker compose.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const [name, singular, gateway, grpcAddress, serviceHttp] = process.argv.slice(2);
if (!name || !singular || !gateway || !grpcAddress || !serviceHttp) {
  console.error(
    'usage: node tools/ci/generated-service-checks.mjs <name> <resource> <gateway URL> <service gRPC host:port> <service HTTP URL>',
  );
  process.exit(2);
}
const pascal = (word) => word[0].toUpperCase() + word.slice(1);
const service = `triad.${name}.v1.${pascal(name)}Service`;

const fail = (message) => {
  console.error(`[generated-service] ${message}`);
  process.exit(1);
};
const say = (message) => console.log(`[generated-service] ${message}`);

// 1. gRPC server reflection, as `buf curl` or grpcurl sees it.
const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');
const methods = execFileSync(buf, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--list-methods', `http://${grpcAddress}`], {
  encoding: 'utf8',
});
for (const method of [`Get${pascal(singular)}`, `BatchGet${pascal(name)}`, `List${pascal(name)}`, `Create${pascal(singular)}`]) {
  if (!methods.includes(`${service}/${method}`)) fail(`reflection at ${grpcAddress} does not list ${service}/${method}:\n${methods}`);
}
say(`reflection at ${grpcAddress} lists ${service} and its four methods`);

// 2. Through the gateway, as a demo user.
async function graphql(query, variables = {}, token) {
  const response = await fetch(`${gateway}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'apollo-require-preflight': 'true',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) fail(`${query.split('{')[0].trim()} answered ${response.status}: ${JSON.stringify(body)}`);
  return body.data;
}

const { login } = await graphql(
  'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
  {
    email: 'alice@triad.dev',
    password: 'alice-password',
  },
);
const label = `made through the gateway at ${new Date().toISOString()}`;
const created = (
  await graphql(
    `mutation ($name: String!) { create${pascal(singular)}(input: { name: $name }) { id name } }`,
    { name: label },
    login.accessToken,
  )
)[`create${pascal(singular)}`];
if (created.name !== label) fail(`create${pascal(singular)} returned ${JSON.stringify(created)}`);
const read = (await graphql(`query ($id: ID!) { ${singular}(id: $id) { name } }`, { id: created.id }))[singular];
if (read?.name !== label) fail(`${singular}(id) returned ${JSON.stringify(read)}`);
const listed = (await graphql(`{ ${name}(first: 100) { nodes { id } } }`))[name].nodes;
if (!listed.some((node) => node.id === created.id)) fail(`${name} does not list ${created.id}`);
say(`the gateway created ${singular} ${created.id} and read it back by id and in the list`);

// 3. Its metrics, as Prometheus scrapes them: the subgraph operations and the SQL behind them were counted.
const metrics = await fetch(`${serviceHttp}/metrics`);
const exposition = await metrics.text();
if (!metrics.ok) fail(`GET ${serviceHttp}/metrics answered ${metrics.status}: ${exposition.slice(0, 200)}`);
for (const family of ['graphql_server_request_duration_count', 'db_client_operation_duration_count']) {
  const counted = exposition.split('\n').some((line) => line.startsWith(`${family}{`) && Number(line.split(' ').at(-1)) > 0);
  if (!counted) fail(`${serviceHttp}/metrics has no ${family} above 0`);
}
say(`${serviceHttp}/metrics counted its GraphQL operations and database calls`);
