import { updateJson, type Tree } from '@nx/devkit';
import { REGISTRY, type ServiceNames } from './names.ts';

/**
 * One change to a shared file that lists the services: `add` makes it for a new service, `remove` takes exactly
 * that back out, so generating and then removing a service leaves the file as it was.
 */
export interface WorkspaceEdit {
  file: string;
  add(tree: Tree, names: ServiceNames): void;
  remove(tree: Tree, names: ServiceNames): void;
}

/** Inserts `text` before the first match of `anchor` in `file`; fails loudly when the file has changed shape. */
function insertBefore(tree: Tree, file: string, anchor: RegExp, text: string): void {
  const content = read(tree, file);
  const match = anchor.exec(content);
  if (!match) throw new Error(`${file} no longer has ${anchor}, where the new service goes: add it there by hand.`);
  tree.write(file, content.slice(0, match.index) + text + content.slice(match.index));
}

/** Inserts `text` after the last match of `anchor` (a whole line, newline included). */
function insertAfterLast(tree: Tree, file: string, anchor: RegExp, text: string): void {
  const content = read(tree, file);
  const matches = [...content.matchAll(new RegExp(anchor.source, 'gm'))];
  const last = matches.at(-1);
  if (last?.index === undefined) throw new Error(`${file} no longer has ${anchor}, where the new service goes: add it there by hand.`);
  const end = last.index + last[0].length;
  tree.write(file, content.slice(0, end) + text + content.slice(end));
}

function removeText(tree: Tree, file: string, text: string): void {
  const content = read(tree, file);
  if (!content.includes(text)) throw new Error(`${file} does not have what the generator added; remove the service from it by hand.`);
  tree.write(file, content.replace(text, ''));
}

function read(tree: Tree, file: string): string {
  const content = tree.read(file, 'utf-8');
  if (content === null) throw new Error(`${file} is missing.`);
  return content;
}

const registryEntry = (n: ServiceNames) => `  '${n.service}': {
    kind: 'service',
    scope: '${n.scope}',
    description: '${n.plural}',
    grpc: { port: ${n.grpcPort}, package: '${n.protoPackage}', services: ['${n.grpcService}'] },
    http: { port: ${n.httpPort} },
    subgraph: '${n.scope}',
    database: true,
    sharedState: false,
    calls: [],
  },
`;

const supergraphEntry = (n: ServiceNames) => `  ${n.scope}:
    routing_url: http://localhost:${n.httpPort}/graphql
    schema:
      file: ../../${n.service}/schema.graphql
`;

const composeService = (n: ServiceNames) => `  ${n.service}:
    <<: *app
    build:
      context: .
      dockerfile: deploy/Dockerfile
      args:
        APP: ${n.service}
        PORTS: "${n.grpcPort} ${n.httpPort}"
    environment:
      <<: *app-environment
      DATABASE_URL: postgres://${n.scope}:\${${n.SCOPE}_DB_PASSWORD:-${n.scope}-dev-password}@postgres:5432/${n.scope}
    depends_on:
      postgres:
        condition: service_healthy
      users-service:
        condition: service_healthy
    ports:
      - "127.0.0.1:${n.grpcPort}:${n.grpcPort}"
      - "127.0.0.1:${n.httpPort}:${n.httpPort}"
    healthcheck:
      <<: *readyz
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${n.httpPort}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

`;
const composePassword = (n: ServiceNames) => `      ${n.SCOPE}_DB_PASSWORD: \${${n.SCOPE}_DB_PASSWORD:-${n.scope}-dev-password}\n`;
const composeSubgraphUrl = (n: ServiceNames) => `      ${n.SCOPE}_SUBGRAPH_URL: http://${n.service}:${n.httpPort}/graphql\n`;
const composeGatewayDependency = (n: ServiceNames) => `      ${n.service}:\n        condition: service_healthy\n`;

const prometheusJob = (n: ServiceNames) => `  - job_name: ${n.service}
    static_configs:
      - targets: [${n.service}:${n.httpPort}]
`;
const overlayService = (n: ServiceNames) => `  ${n.service}:
    environment: *otel-environment
`;

const productionImage = (n: ServiceNames) => `  - name: triad/${n.service}
    newName: registry.example.com/triad/${n.service}
    newTag: 0.1.0
`;

const COMPOSE = 'docker-compose.yml';
const K8S_PRODUCTION = 'deploy/k8s/overlays/production/kustomization.yaml';
const PROMETHEUS = 'deploy/observability/prometheus.yml';
const OBSERVABILITY_OVERLAY = 'docker-compose.observability.yml';
const GATEWAY_DEPENDS_ON = /(?<=\n {2}graphql-gateway:\n(?:.*\n)*? {4}depends_on:\n)/;

export const WORKSPACE_EDITS: WorkspaceEdit[] = [
  {
    file: REGISTRY,
    // Services come before the edges, which start after them.
    add: (tree, n) => insertBefore(tree, REGISTRY, /^ {2}'[a-z-]+': \{\n {4}kind: 'edge'/m, registryEntry(n)),
    remove: (tree, n) => removeText(tree, REGISTRY, registryEntry(n)),
  },
  {
    file: 'libs/contracts/package.json',
    add: (tree, n) =>
      updateJson(tree, 'libs/contracts/package.json', (json) => {
        json.exports[`./${n.scope}/v1`] = {
          '@triad/source': `./src/${n.scope}-v1.ts`,
          types: `./dist/${n.scope}-v1.d.ts`,
          import: `./dist/${n.scope}-v1.js`,
          default: `./dist/${n.scope}-v1.js`,
        };
        return json;
      }),
    remove: (tree, n) =>
      updateJson(tree, 'libs/contracts/package.json', (json) => {
        delete json.exports[`./${n.scope}/v1`];
        return json;
      }),
  },
  {
    // The solution tsconfig that `tsc --build` and Nx's sync check read.
    file: 'tsconfig.json',
    add: (tree, n) =>
      updateJson(tree, 'tsconfig.json', (json) => {
        json.references.push({ path: `./apps/${n.service}` });
        return json;
      }),
    remove: (tree, n) =>
      updateJson(tree, 'tsconfig.json', (json) => {
        json.references = json.references.filter((reference: { path: string }) => reference.path !== `./apps/${n.service}`);
        return json;
      }),
  },
  {
    file: 'apps/graphql-gateway/supergraph/supergraph.yaml',
    add: (tree, n) => insertBefore(tree, 'apps/graphql-gateway/supergraph/supergraph.yaml', /^ {2}gateway:\n/m, supergraphEntry(n)),
    remove: (tree, n) => removeText(tree, 'apps/graphql-gateway/supergraph/supergraph.yaml', supergraphEntry(n)),
  },
  {
    file: 'eslint.config.mjs',
    add: (tree, n) => insertBefore(tree, 'eslint.config.mjs', /(?<=const scopeConstraints = \[[^\]]*)'web'\]/, `'${n.scope}', `),
    remove: (tree, n) => removeText(tree, 'eslint.config.mjs', `'${n.scope}', `),
  },
  {
    file: COMPOSE,
    add: (tree, n) => {
      const content = read(tree, COMPOSE).replace(/(SERVICE_DATABASES: [a-z0-9 ]+)\n/, `$1 ${n.scope}\n`);
      tree.write(COMPOSE, content);
      insertAfterLast(tree, COMPOSE, /^ {6}[A-Z]+_DB_PASSWORD: .*\n/, composePassword(n));
      insertBefore(tree, COMPOSE, /^ {2}rest-api:\n/m, composeService(n));
      insertAfterLast(tree, COMPOSE, /^ {6}[A-Z]+_SUBGRAPH_URL: .*\n/, composeSubgraphUrl(n));
      insertBefore(tree, COMPOSE, GATEWAY_DEPENDS_ON, composeGatewayDependency(n));
    },
    remove: (tree, n) => {
      tree.write(COMPOSE, read(tree, COMPOSE).replace(new RegExp(`(SERVICE_DATABASES: [a-z0-9 ]+) ${n.scope}\\n`), '$1\n'));
      for (const text of [composePassword(n), composeService(n), composeSubgraphUrl(n), composeGatewayDependency(n)])
        removeText(tree, COMPOSE, text);
    },
  },
  {
    // Services come before the edges here too.
    file: PROMETHEUS,
    add: (tree, n) => insertBefore(tree, PROMETHEUS, /^ {2}- job_name: rest-api\n/m, prometheusJob(n)),
    remove: (tree, n) => removeText(tree, PROMETHEUS, prometheusJob(n)),
  },
  {
    // The base's manifests follow the registry by themselves (deploy/k8s/src/base.ts); the production overlay
    // names each image's registry and version. Services come before the edges here too.
    file: K8S_PRODUCTION,
    add: (tree, n) => insertBefore(tree, K8S_PRODUCTION, /^ {2}- name: triad\/rest-api\n/m, productionImage(n)),
    remove: (tree, n) => removeText(tree, K8S_PRODUCTION, productionImage(n)),
  },
  {
    file: OBSERVABILITY_OVERLAY,
    add: (tree, n) =>
      insertBefore(tree, OBSERVABILITY_OVERLAY, /^ {2}rest-api:\n {4}environment: \*otel-environment\n/m, overlayService(n)),
    remove: (tree, n) => removeText(tree, OBSERVABILITY_OVERLAY, overlayService(n)),
  },
];
