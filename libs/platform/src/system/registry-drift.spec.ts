import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@triad/contracts';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SERVICE_GRANTS } from '../auth/service-grants.js';
import {
  defaultSubgraphUrl,
  edgeSettingNames,
  PROCESS_NAMES,
  SERVICE_NAMES,
  serviceCalls,
  serviceSettingNames,
  subgraphProcesses,
  subgraphUrlSetting,
  SYSTEM,
  type EdgeName,
  type ProcessEntry,
  type ProcessName,
} from './registry.js';

// Everything below is written by hand outside the registry and must say what it says; each check names the
// file to fix. (Config defaults, the launcher and the gateway's subgraph list read the registry itself.)

const workspaceRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const read = (path: string) => readFileSync(join(workspaceRoot, path), 'utf8');
const entry = (name: ProcessName): ProcessEntry => SYSTEM[name];

/** The ports a process listens on, HTTP first. */
const portsOf = (name: ProcessName) => [...(entry(name).grpc ? [entry(name).grpc!.port] : []), entry(name).http.port];

describe('the system registry', () => {
  it('names only services in `calls`, with no cycle, and contracts that exist', () => {
    const definitions = loadPackageDefinition();
    for (const name of PROCESS_NAMES) {
      for (const target of entry(name).calls) expect(SERVICE_NAMES, `${name} calls ${target}`).toContain(target);
      const grpc = entry(name).grpc;
      for (const service of grpc?.services ?? [])
        expect(definitions, `${name} serves ${service}`).toHaveProperty([`${grpc!.package}.${service}`]);
    }
    const visiting = new Set<ProcessName>();
    const visit = (name: ProcessName): void => {
      expect(visiting.has(name), `a cycle of calls through ${name}`).toBe(false);
      visiting.add(name);
      serviceCalls(name).forEach(visit);
      visiting.delete(name);
    };
    PROCESS_NAMES.forEach(visit);
  });

  it('gives every port and every scope to one process only', () => {
    const ports = PROCESS_NAMES.flatMap(portsOf);
    expect(new Set(ports).size).toBe(ports.length);
    const scopes = PROCESS_NAMES.map((name) => entry(name).scope);
    expect(new Set(scopes).size).toBe(scopes.length);
  });

  it('grants service-only scopes only along calls the registry draws', () => {
    for (const [client, targets] of Object.entries(SERVICE_GRANTS)) {
      for (const target of Object.keys(targets)) {
        // users-service is also every process's authorization server, which the forwarded-client scope is for.
        if (target === 'users-service') continue;
        expect(serviceCalls(client as ProcessName), `SERVICE_GRANTS: ${client} → ${target}`).toContain(target);
      }
    }
  });
});

describe('files that must follow the registry', () => {
  it('apps/*/package.json: each process is an app tagged with its scope', () => {
    for (const name of PROCESS_NAMES) {
      const manifest = JSON.parse(read(`apps/${name}/package.json`)) as { nx: { tags: string[] } };
      expect(manifest.nx.tags, `apps/${name}/package.json`).toEqual(expect.arrayContaining([`scope:${entry(name).scope}`, 'type:app']));
    }
  });

  it('eslint.config.mjs: a scope constraint for each process (and the web app), and no other', async () => {
    const config = ((await import(join(workspaceRoot, 'eslint.config.mjs'))) as { default: { rules?: Record<string, unknown> }[] }).default;
    const scopes = new Set<string>();
    for (const block of config) {
      const rule = block.rules?.['@nx/enforce-module-boundaries'];
      if (!Array.isArray(rule)) continue;
      for (const constraint of (rule[1] as { depConstraints: { sourceTag: string }[] }).depConstraints) {
        if (constraint.sourceTag.startsWith('scope:')) scopes.add(constraint.sourceTag.slice('scope:'.length));
      }
    }
    expect([...scopes].sort()).toEqual([...PROCESS_NAMES.map((name) => entry(name).scope), 'web', 'shared'].sort());
  });

  it('supergraph.yaml: a subgraph for each process that serves one, at its default URL, with its schema', () => {
    const supergraph = parseYaml(read('apps/graphql-gateway/supergraph/supergraph.yaml')) as {
      subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
    };
    const routed = Object.fromEntries(Object.entries(supergraph.subgraphs).filter(([name]) => name !== 'gateway'));
    expect(Object.keys(routed).sort()).toEqual(
      subgraphProcesses()
        .map(({ subgraph }) => subgraph)
        .sort(),
    );
    for (const { subgraph, process } of subgraphProcesses()) {
      expect(routed[subgraph], `supergraph.yaml: ${subgraph}`).toEqual({
        routing_url: defaultSubgraphUrl(process),
        schema: { file: `../../${process}/schema.graphql` },
      });
    }
  });

  it('docker-compose.yml: each process, its ports, its database and shared state, the addresses of what it calls and, for the gateway, its subgraphs', () => {
    const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { build?: { args?: Record<string, string> }; ports?: string[]; environment?: Record<string, string> }>;
    };
    for (const name of PROCESS_NAMES) {
      const service = compose.services[name];
      expect(service, `docker-compose.yml: services.${name}`).toBeDefined();
      const ports = portsOf(name);
      expect(service!.build?.args, `docker-compose.yml: ${name}'s build args`).toMatchObject({ APP: name, PORTS: ports.join(' ') });
      expect(service!.ports?.sort(), `docker-compose.yml: ${name}'s published ports`).toEqual(
        ports.map((port) => `127.0.0.1:${port}:${port}`).sort(),
      );
      const environment = service!.environment ?? {};
      for (const target of serviceCalls(name)) {
        expect(environment[serviceSettingNames(target).address], `docker-compose.yml: ${name} → ${target}`).toBe(
          `${target}:${SYSTEM[target].grpc.port}`,
        );
      }
      if (name === 'graphql-gateway') {
        for (const { process } of subgraphProcesses()) {
          expect(environment[subgraphUrlSetting(process)], `docker-compose.yml: the gateway → ${process}`).toBe(
            `http://${process}:${entry(process).http.port}/graphql`,
          );
        }
      }
      const declared = Object.keys(environment).filter((variable) => /_(SERVICE_ADDR|SUBGRAPH_URL)$/.test(variable));
      const expected = [
        ...serviceCalls(name).map((target) => serviceSettingNames(target).address),
        ...(name === 'graphql-gateway' ? subgraphProcesses().map(({ process }) => subgraphUrlSetting(process)) : []),
      ];
      expect(declared.sort(), `docker-compose.yml: ${name} is told of exactly what it calls`).toEqual(expected.sort());
      expect('DATABASE_URL' in environment, `docker-compose.yml: ${name} has a database exactly when the registry says so`).toBe(
        entry(name).database,
      );
      expect('VALKEY_URL' in environment, `docker-compose.yml: ${name} shares state in Valkey exactly when the registry says so`).toBe(
        entry(name).sharedState,
      );
    }
  });

  it('deploy/observability/prometheus.yml and the compose overlay: every process scraped at /metrics, and able to export spans', () => {
    const prometheus = parseYaml(read('deploy/observability/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((job) => [job.job_name, job]));
    expect(
      Object.keys(jobs)
        .filter((job) => job !== 'prometheus')
        .sort(),
      'prometheus.yml: one job per process',
    ).toEqual([...PROCESS_NAMES].sort());
    for (const name of PROCESS_NAMES) {
      expect(jobs[name], `prometheus.yml: ${name}`).toEqual({
        job_name: name,
        static_configs: [{ targets: [`${name}:${entry(name).http.port}`] }],
      });
    }
    const overlay = parseYaml(read('docker-compose.observability.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string> }>;
    };
    for (const name of PROCESS_NAMES) {
      expect(overlay.services[name]?.environment, `docker-compose.observability.yml: ${name}`).toHaveProperty(
        'OTEL_EXPORTER_OTLP_ENDPOINT',
      );
    }
  });

  it('names each setting the way the processes read it', () => {
    expect(serviceSettingNames('catalog-service')).toEqual({
      grpcPort: 'CATALOG_GRPC_PORT',
      httpPort: 'CATALOG_HTTP_PORT',
      address: 'CATALOG_SERVICE_ADDR',
      subgraphUrl: 'CATALOG_SUBGRAPH_URL',
    });
    const edges = PROCESS_NAMES.filter((name): name is EdgeName => entry(name).kind === 'edge');
    expect(edges.map((name) => edgeSettingNames(name).httpPort)).toEqual(['REST_PORT', 'GATEWAY_PORT']);
  });
});
