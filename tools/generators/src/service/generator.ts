import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { generateFiles, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { serviceNames, type ServiceNames } from '../names.ts';
import { WORKSPACE_EDITS } from '../workspace-edits.ts';

export interface ServiceGeneratorOptions {
  name: string;
  resource?: string;
  skipFinish?: boolean;
}

/**
 * `npx nx g @triad/tools:service <name>`: a new backend service on the service shell, the same shape as
 * catalog-service. It writes the proto contract (Get, BatchGet, List and Create of one resource), the app
 * (declaration, gRPC controller, federated entity with `@key`, use cases, repository, schema, tests), and adds
 * the service to every shared file that lists services: the registry, the contracts' exports,
 * supergraph.yaml, docker-compose.yml, the Kubernetes production overlay and the ESLint scopes. Then, unless
 * `--skipFinish`, it records the new workspace package in the lock file and generates the contracts, the first
 * migration, the subgraph schema, the supergraph, the public schema and the Kubernetes base, so that the
 * workspace builds and its tests pass at once.
 * `remove-service` undoes all of it.
 */
export default async function serviceGenerator(tree: Tree, options: ServiceGeneratorOptions): Promise<GeneratorCallback> {
  const names = serviceNames(tree, options.name, options.resource);
  if (tree.exists(`apps/${names.service}`)) throw new Error(`apps/${names.service} exists already.`);
  if (tree.read('libs/platform/src/system/registry.ts', 'utf-8')?.includes(`'${names.service}':`)) {
    throw new Error(`The registry already has ${names.service}.`);
  }
  generateFiles(tree, join(import.meta.dirname, 'files'), '.', { ...names, tmpl: '' });
  for (const edit of WORKSPACE_EDITS) edit.add(tree, names);
  await formatNewFiles(tree);
  return () => {
    if (!options.skipFinish) finish(names);
    printNextSteps(names);
  };
}

/**
 * Prettier over the files this generator created, and only those: the shared files it edits keep their own
 * layout, so that removing the service gives them back unchanged.
 */
async function formatNewFiles(tree: Tree): Promise<void> {
  const prettier = await import('prettier');
  for (const change of tree.listChanges()) {
    if (change.type !== 'CREATE' || !/\.(ts|json)$/.test(change.path)) continue;
    const options = (await prettier.resolveConfig(join(tree.root, change.path))) ?? {};
    tree.write(change.path, await prettier.format(tree.read(change.path, 'utf-8') ?? '', { ...options, filepath: change.path }));
  }
}

/** Writes deploy/k8s/base from the registry (its spec compares the files with what the registry makes). */
export const K8S_BASE = 'npx nx run k8s:test --outputStyle=static --skip-nx-cache -- src/base.spec.ts -u';

/** What only running the tools can write: generated code, the migration, the schemas composed from the code. */
function finish(names: ServiceNames): void {
  const steps = [
    // The app is a workspace package: the lock file records it and npm links it, as `npm ci` (and the image build) expect.
    'npm install --no-audit --no-fund',
    'npm run proto:generate',
    `npx drizzle-kit generate --config apps/${names.service}/drizzle.config.ts --name create_${names.table}`,
    'npx nx run-many -t build --projects=contracts,platform,testing --outputStyle=static',
    // The subgraph schema spec writes schema.graphql from the resolvers.
    `npx nx run ${names.service}:test --outputStyle=static -- src/subgraph-schema.spec.ts -u`,
    'npm run supergraph:compose',
    'npm run schema:record',
    K8S_BASE,
  ];
  for (const step of steps) {
    logger.info(`\n> ${step}`);
    execSync(step, { stdio: 'inherit' });
  }
}

function printNextSteps(names: ServiceNames): void {
  logger.info(`
${names.service} is ready: gRPC ${names.grpcPort}, HTTP ${names.httpPort} (subgraph, /healthz, /readyz).
  npx nx run-many -t lint typecheck test --projects=${names.service}
  npm start                                   # it starts with the others
  buf curl --protocol grpc --http2-prior-knowledge http://localhost:${names.grpcPort}/${names.protoPackage}.${names.grpcService}/List${names.Plural}
Next: grow proto/triad/${names.scope}/v1/${names.scope}_service.proto, run \`npm run proto:generate\`, change
apps/${names.service}/src/db/schema.ts and run \`npx drizzle-kit generate --config apps/${names.service}/drizzle.config.ts\`,
then \`npx nx test ${names.service} -- -u\` and \`npm run supergraph:compose\` after a GraphQL change.
Remove it again with \`npx nx g @triad/tools:remove-service ${names.scope}\`.`);
}
