import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig, subgraphUrls } from '../gateway.config.js';
import { GATEWAY_SUBGRAPH } from './gateway-subgraph.js';
import { loadSupergraph } from './supergraph.loader.js';

const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const composeScript = join(workspaceRoot, 'tools/graphql/compose-supergraph.mjs');

function compose(...args: string[]) {
  const result = spawnSync(process.execPath, [composeScript, ...args], { cwd: workspaceRoot, encoding: 'utf8' });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A subgraph schema for scratch compositions; `nameType` lets two of them disagree. */
function subgraphSchema(rootField: string, nameType: string): string {
  return [
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])',
    `type Query { ${rootField}: User }`,
    'type User @key(fields: "id") {',
    '  id: ID!',
    `  name: ${nameType}`,
    '}',
  ].join('\n');
}

describe('supergraph composition', () => {
  let scratch: string | undefined;

  /** A throwaway supergraph.yaml composing the given subgraph schemas. */
  function scratchConfig(schemas: Record<string, string>): string {
    scratch = mkdtempSync(join(tmpdir(), 'triad-supergraph-'));
    const lines = ['federation_version: =2.14.4', 'subgraphs:'];
    for (const [name, sdl] of Object.entries(schemas)) {
      writeFileSync(join(scratch, `${name}.graphql`), sdl);
      lines.push(`  ${name}:`, `    routing_url: http://${name}:4000/graphql`, `    schema: { file: ${name}.graphql }`);
    }
    writeFileSync(join(scratch, 'supergraph.yaml'), lines.join('\n'));
    return join(scratch, 'supergraph.yaml');
  }

  afterEach(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    scratch = undefined;
  });

  it('checked-in supergraph.graphql is what supergraph.yaml composes to', () => {
    const { exitCode, stdout, stderr } = compose('--check');

    expect(stderr).not.toContain('stale');
    expect(stdout).toContain('supergraph.graphql is up to date');
    expect(exitCode).toBe(0);
  });

  it('routes every subgraph but the gateway itself to a URL the gateway reads from its config', () => {
    const configured = subgraphUrls(loadGatewayConfig({}));
    const routed = loadSupergraph().subgraphNames.filter((name) => name !== GATEWAY_SUBGRAPH);

    expect(routed).toEqual(['catalog', 'orders', 'rest', 'users']);
    expect(routed.filter((name) => !configured.has(name))).toEqual([]);
  });

  it('--check fails and says what to run when the file is stale', () => {
    const config = scratchConfig({ users: subgraphSchema('me', 'String') });
    expect(compose('--config', config).exitCode).toBe(0);
    expect(compose('--config', config, '--check').exitCode).toBe(0);

    appendFileSync(join(scratch!, 'supergraph.graphql'), '# edited by hand\n');
    const { exitCode, stderr } = compose('--config', config, '--check');

    expect(exitCode).toBe(1);
    expect(stderr).toContain('supergraph.graphql is stale: run npm run supergraph:compose');
  });

  it('prints composition errors with their code and the schema lines involved', () => {
    const config = scratchConfig({ users: subgraphSchema('me', 'String'), orders: subgraphSchema('buyer', 'Int') });

    const { exitCode, stderr } = compose('--config', config);

    expect(exitCode).toBe(1);
    expect(stderr).toContain('Composition failed');
    expect(stderr).toContain('FIELD_TYPE_MISMATCH: Type of field "User.name" is incompatible across subgraphs');
    expect(stderr).toMatch(/at .*users\.graphql:5:3/);
    expect(stderr).toMatch(/at .*orders\.graphql:5:3/);
    expect(stderr).not.toMatch(/^\s+at .*\.m?js:\d+/m);
  });
});
