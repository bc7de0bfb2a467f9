import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { registeredServiceNames, type ServiceNames } from '../names.ts';
import { K8S_BASE } from '../service/generator.ts';
import { WORKSPACE_EDITS } from '../workspace-edits.ts';

export interface RemoveServiceOptions {
  name: string;
  skipFinish?: boolean;
}

/**
 * `npx nx g @triad/tools:remove-service <name>`: takes out a service the `service` generator wrote, its files and
 * exactly the lines it added to shared files, then regenerates what was generated from them (contracts,
 * supergraph, public schema, Kubernetes base), so the workspace is as it was before. A service changed by hand since may need
 * a hand-made removal in the files whose lines no longer match; the generator names them.
 */
export default async function removeServiceGenerator(tree: Tree, options: RemoveServiceOptions): Promise<GeneratorCallback> {
  const names = registeredServiceNames(tree, options.name);
  for (const edit of [...WORKSPACE_EDITS].reverse()) edit.remove(tree, names);
  for (const path of [
    `apps/${names.service}`,
    `proto/triad/${names.scope}`,
    `libs/contracts/src/${names.scope}-v1.ts`,
    `libs/contracts/src/generated/triad/${names.scope}`,
    `deploy/k8s/base/${names.service}.yaml`,
  ]) {
    tree.delete(path);
  }
  return () => {
    if (options.skipFinish) return;
    const steps = [
      'npm install --no-audit --no-fund',
      'npm run proto:generate',
      'npm run supergraph:compose',
      recordPublicSchema(tree.root, names),
      K8S_BASE,
    ];
    for (const step of steps) {
      logger.info(`\n> ${step}`);
      execSync(step, { stdio: 'inherit' });
    }
  };
}

const PUBLIC_SCHEMA = 'apps/graphql-gateway/supergraph/public-schema.graphql';

/**
 * How to record the public schema without the service. Removing types clients may use is a breaking change,
 * recorded as one (in schema-changes.md). But a service that never reached a commit never reached a client
 * either: then the committed public schema, which never had it, is simply put back.
 */
function recordPublicSchema(root: string, names: ServiceNames): string {
  let committed: string | undefined;
  try {
    committed = execSync(`git show HEAD:${PUBLIC_SCHEMA}`, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    committed = undefined;
  }
  if (committed !== undefined && !new RegExp(`^type ${names.Singular} `, 'm').test(committed)) {
    writeFileSync(join(root, PUBLIC_SCHEMA), committed);
    return 'npm run schema:record';
  }
  return 'npm run schema:record -- --accept-breaking';
}
