import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_NAMES, processEntry, serviceCalls, SYSTEM, type ProcessName } from '@triad/platform/system';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateManifest } from './schemas.ts';
import { writeSecrets } from './secrets.ts';

// Renders every overlay with `kubectl kustomize` (offline) and holds what comes out to the project's rules: valid
// Kubernetes objects, probes, limits and a locked-down securityContext on every workload, pinned images, a
// Service for every workload and a workload for every Service, and NetworkPolicies that let through exactly the
// calls the architecture draws, judged by evaluating the rendered policies as a cluster would.
//
// Where kubectl is missing these are skipped with one line saying so; `.ci/run` sets TRIAD_REQUIRE_KUBECTL, and
// there a missing kubectl fails.
const DEPLOY = join(import.meta.dirname, '../..');
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = kubectl.status === 0;
const requireKubectl = Boolean(process.env['TRIAD_REQUIRE_KUBECTL']);
if (!haveKubectl && !requireKubectl) {
  process.stderr.write('deploy/k8s: kubectl is not installed, so the overlays are not rendered or checked here.\n');
}

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

/** `kubectl kustomize` of an overlay, in a scratch copy of deploy/ whose secrets/ the test fills itself. */
function render(overlay: 'local' | 'production', scratch: string): K8sObject[] {
  const copy = join(scratch, overlay, 'deploy');
  cpSync(DEPLOY, copy, { recursive: true, filter: (source) => !/[/\\](secrets|node_modules|src)$/.test(source) });
  const secrets = join(copy, 'k8s/overlays', overlay, 'secrets');
  writeSecrets(secrets, { database: overlay === 'local' ? 'in-cluster' : 'external' });
  // Only rendered, never used: the shape of the file is all that matters here.
  writeFileSync(join(secrets, 'signing-keys.json'), '{"keys": []}\n');
  if (overlay === 'production') {
    const urls = PROCESS_NAMES.filter((name) => processEntry(name).database).map(
      (name) => `${name}=postgres://${processEntry(name).scope}:password@db.example.com:5432/${processEntry(name).scope}`,
    );
    writeFileSync(join(secrets, 'database-urls.env'), `${urls.join('\n')}\n`);
    writeFileSync(join(secrets, 'shared-state.env'), 'VALKEY_URL=rediss://triad:password@valkey.example.com:6380\n');
  }
  const output = execFileSync('kubectl', ['kustomize', join(copy, 'k8s/overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(output).map((document) => document.toJS() as K8sObject);
}

const scratch = mkdtempSync(join(tmpdir(), 'triad-k8s-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const overlay of ['local', 'production'] as const) {
  describe.skipIf(!haveKubectl && !requireKubectl)(`deploy/k8s/overlays/${overlay}`, () => {
    let rendered: K8sObject[] | undefined;
    const objects = () => (rendered ??= render(overlay, scratch));
    const ofKind = (kind: string) => objects().filter((object) => object.kind === kind);
    const workloads = () => objects().filter((object) => object.kind === 'Deployment' || object.kind === 'StatefulSet');
    const deploymentOf = (name: ProcessName) => ofKind('Deployment').find((object) => object.metadata.name === name);
    /** The generated ConfigMap a process reads its settings from. */
    const settingsOf = (name: ProcessName) => configMapRead(name, `${name}-settings`);
    /** The generated ConfigMap named `prefix` (kustomize adds a hash) that a process reads settings from. */
    const configMapRead = (name: ProcessName, prefix: string) => {
      const sources: { configMapRef?: { name: string } }[] = deploymentOf(name)!.spec.template.spec.containers[0].envFrom;
      const source = sources.find((entry) => entry.configMapRef?.name.startsWith(`${prefix}-`));
      return ofKind('ConfigMap').find((map) => map.metadata.name === source?.configMapRef?.name);
    };

    it('renders, and every object is valid against the Kubernetes schemas', () => {
      expect(haveKubectl, 'kubectl is required here (TRIAD_REQUIRE_KUBECTL is set)').toBe(true);
      expect(objects().length).toBeGreaterThan(0);
      for (const object of objects()) expect(() => validateManifest(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    });

    it('puts everything in the triad namespace, which enforces the restricted Pod Security Standard', () => {
      const namespace = ofKind('Namespace').find((object) => object.metadata.name === 'triad');
      expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      for (const object of objects().filter((object) => object.kind !== 'Namespace')) {
        expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe('triad');
      }
    });

    it('runs every process of the registry, and nothing else but a database and Valkey', () => {
      expect(
        ofKind('Deployment')
          .map((object) => object.metadata.name)
          .sort(),
      ).toEqual([...PROCESS_NAMES, ...(overlay === 'local' ? ['valkey'] : [])].sort());
      expect(ofKind('StatefulSet').map((object) => object.metadata.name)).toEqual(overlay === 'local' ? ['postgres'] : []);
    });

    it('gives every container probes, resource requests and limits, and a locked-down securityContext', () => {
      for (const workload of workloads()) {
        const pod = workload.spec.template.spec;
        expect(pod.securityContext?.runAsNonRoot, `${workload.metadata.name}: runAsNonRoot`).toBe(true);
        expect(pod.securityContext?.seccompProfile?.type, `${workload.metadata.name}: seccomp`).toBe('RuntimeDefault');
        expect(pod.automountServiceAccountToken, `${workload.metadata.name}: no API token`).toBe(false);
        for (const container of pod.containers) {
          const where = `${workload.metadata.name}/${container.name}`;
          expect(container.readinessProbe, `${where}: readinessProbe`).toBeDefined();
          expect(container.livenessProbe, `${where}: livenessProbe`).toBeDefined();
          if (workload.kind === 'Deployment' && workload.metadata.name !== 'valkey') {
            expect(container.lifecycle?.preStop, `${where}: keeps serving while it is taken out of rotation`).toBeDefined();
          }
          for (const resource of ['cpu', 'memory']) {
            expect(container.resources?.requests?.[resource], `${where}: requests.${resource}`).toBeDefined();
            expect(container.resources?.limits?.[resource], `${where}: limits.${resource}`).toBeDefined();
          }
          expect(container.securityContext, `${where}: securityContext`).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          });
          expect(container.securityContext?.privileged ?? false, `${where}: privileged`).toBe(false);
        }
      }
    });

    it('probes services over the gRPC health protocol and edges at /readyz, and every process at /healthz for liveness', () => {
      for (const name of PROCESS_NAMES) {
        const [container] = deploymentOf(name)!.spec.template.spec.containers;
        const entry = processEntry(name);
        if (entry.grpc) expect(container.readinessProbe.grpc, name).toEqual({ port: entry.grpc.port });
        else expect(container.readinessProbe.httpGet, name).toMatchObject({ path: '/readyz' });
        expect(container.livenessProbe.httpGet, name).toMatchObject({ path: '/healthz' });
      }
    });

    it('pins every image to a version: no `latest`, no untagged image, and in production none of the local `dev` builds', () => {
      for (const workload of workloads()) {
        for (const container of workload.spec.template.spec.containers) {
          const tag = /:([^/:@]+)$/.exec(container.image)?.[1];
          expect(tag, `${workload.metadata.name}: ${container.image} has a tag`).toBeDefined();
          expect(tag, `${workload.metadata.name}: ${container.image}`).not.toBe('latest');
          if (overlay === 'production') {
            expect(tag, `${workload.metadata.name}: ${container.image}`).not.toBe('dev');
            expect(container.image, `${workload.metadata.name}: from a registry`).toMatch(/^[a-z0-9.-]+\.[a-z]+(:\d+)?\//);
          }
        }
      }
    });

    it('selects a workload with every Service, every PodDisruptionBudget and every autoscaler, and spreads and protects every process', () => {
      const podLabels = workloads().map((workload) => workload.spec.template.metadata.labels as Record<string, string>);
      const selects = (selector: Record<string, string>) =>
        podLabels.some((labels) => Object.entries(selector).every(([key, value]) => labels[key] === value));
      for (const service of ofKind('Service')) expect(selects(service.spec.selector), `Service/${service.metadata.name}`).toBe(true);
      for (const budget of ofKind('PodDisruptionBudget'))
        expect(selects(budget.spec.selector.matchLabels), `PodDisruptionBudget/${budget.metadata.name}`).toBe(true);
      for (const name of PROCESS_NAMES) {
        const deployment = deploymentOf(name)!;
        const own = deployment.spec.template.metadata.labels as Record<string, string>;
        const selectsOwn = (selector: Record<string, string>) => Object.entries(selector).every(([key, value]) => own[key] === value);
        expect(
          ofKind('Service').some((service) => selectsOwn(service.spec.selector)),
          `${name}: a Service`,
        ).toBe(true);
        expect(
          ofKind('PodDisruptionBudget').some((budget) => selectsOwn(budget.spec.selector.matchLabels)),
          `${name}: a PodDisruptionBudget`,
        ).toBe(true);
        expect(deployment.spec.template.spec.topologySpreadConstraints?.length, `${name}: topology spread`).toBeGreaterThan(0);
        const scaled = ofKind('HorizontalPodAutoscaler').some((hpa) => hpa.spec.scaleTargetRef.name === name);
        expect(scaled, `${name}: autoscaled exactly when it is an edge`).toBe(processEntry(name).kind === 'edge');
      }
    });

    it('reaches every service over gRPC through a headless Service, so clients balance over every pod', () => {
      for (const name of PROCESS_NAMES) {
        const settings = settingsOf(name);
        expect(settings, `${name}: its settings`).toBeDefined();
        if (serviceCalls(name).length > 0) expect(settings!.data?.['GRPC_LB_POLICY'], `${name}: GRPC_LB_POLICY`).toBe('round_robin');
        for (const target of serviceCalls(name)) {
          const address = Object.entries(settings!.data ?? {}).find(
            ([key]) => key === `${processEntry(target).scope.toUpperCase()}_SERVICE_ADDR`,
          )?.[1];
          const [, host, port] = /^dns:\/\/\/([a-z0-9-]+):(\d+)$/.exec(address ?? '') ?? [];
          expect(host, `${name} → ${target}: ${address}`).toBeDefined();
          const service = ofKind('Service').find((object) => object.metadata.name === host);
          expect(service?.spec.clusterIP, `${host} is headless`).toBe('None');
          expect(service?.spec.ports.map((entry: { port: number }) => entry.port)).toEqual([Number(port)]);
          expect(service?.spec.selector).toEqual({ 'app.kubernetes.io/name': target });
        }
      }
    });

    it('tells each edge which proxies to trust, so that rate limits count clients behind the Ingress apart', () => {
      for (const name of PROCESS_NAMES.filter((process) => processEntry(process).kind === 'edge')) {
        expect(settingsOf(name)?.data?.['TRUSTED_PROXIES'], `${name}: TRUSTED_PROXIES`).toMatch(/^[0-9a-f.:/]+(,[0-9a-f.:/]+)*$/);
      }
    });

    it("gives every process one token issuer: the authorization server at the REST edge's address on the Ingress", () => {
      const ingress = ofKind('Ingress')[0]!;
      const rule = ingress.spec.rules.find((entry: { http: { paths: { backend: { service: { name: string } } }[] } }) =>
        entry.http.paths.some((path) => path.backend.service.name === 'rest-api'),
      );
      const tls = (ingress.spec.tls ?? []).some((entry: { hosts: string[] }) => entry.hosts.includes(rule.host));
      for (const name of PROCESS_NAMES) {
        expect(configMapRead(name, 'system-settings')?.data?.['AUTH_ISSUER'], `${name}: AUTH_ISSUER`).toBe(
          `${tls ? 'https' : 'http'}://${rule.host}/oidc`,
        );
        expect(settingsOf(name)?.data?.['AUTH_ISSUER'], `${name}: no AUTH_ISSUER of its own`).toBeUndefined();
      }
    });

    it('finds every Secret key and ConfigMap a workload reads', () => {
      const secrets = new Map(ofKind('Secret').map((secret) => [secret.metadata.name, Object.keys(secret.data ?? {})]));
      const configMaps = new Set(ofKind('ConfigMap').map((map) => map.metadata.name));
      for (const workload of workloads()) {
        const pod = workload.spec.template.spec;
        for (const container of pod.containers) {
          for (const source of container.envFrom ?? []) {
            if (source.configMapRef)
              expect(configMaps.has(source.configMapRef.name), `${workload.metadata.name}: ${source.configMapRef.name}`).toBe(true);
            if (source.secretRef)
              expect(secrets.has(source.secretRef.name), `${workload.metadata.name}: ${source.secretRef.name}`).toBe(true);
          }
          for (const variable of container.env ?? []) {
            const reference = variable.valueFrom?.secretKeyRef;
            if (reference) expect(secrets.get(reference.name), `${workload.metadata.name}: ${variable.name}`).toContain(reference.key);
          }
        }
        for (const volume of pod.volumes ?? []) {
          if (!volume.secret) continue;
          expect(secrets.has(volume.secret.secretName), `${workload.metadata.name}: ${volume.secret.secretName}`).toBe(true);
          for (const item of volume.secret.items ?? []) expect(secrets.get(volume.secret.secretName)).toContain(item.key);
        }
      }
    });

    it('lets through exactly the calls the architecture draws, and nothing else', () => {
      const policies = ofKind('NetworkPolicy');
      const pods = workloads().map((workload) => ({
        name: workload.metadata.name,
        labels: workload.spec.template.metadata.labels as Record<string, string>,
        ports: workload.spec.template.spec.containers.flatMap((container: any) => container.ports.map((port: any) => port.containerPort)),
      }));
      const sources = [
        ...pods.map((pod) => ({ name: pod.name, labels: pod.labels, namespace: 'triad' })),
        { name: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, namespace: 'monitoring' },
        // Any other pod of Prometheus's namespace reaches nothing.
        { name: 'monitoring-other', labels: { 'app.kubernetes.io/name': 'grafana' }, namespace: 'monitoring' },
        { name: 'outside', labels: {}, namespace: 'ingress-nginx' },
      ];
      const allowed = new Set<string>();
      for (const target of pods) {
        for (const port of target.ports) {
          for (const source of sources) {
            if (source.name !== target.name && admits(policies, source, target.labels, port))
              allowed.add(`${source.name} → ${target.name}:${port}`);
          }
        }
      }
      expect([...allowed].sort()).toEqual(drawnCalls(overlay).sort());
    });
  });
}

/** Whether the NetworkPolicies of the triad namespace let `source` open a TCP connection to `port` of a pod labelled `target`. */
function admits(
  policies: K8sObject[],
  source: { labels: Record<string, string>; namespace: string },
  target: Record<string, string>,
  port: number,
): boolean {
  const matches = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
    Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const selecting = policies.filter((policy) => matches(policy.spec.podSelector, target) && policy.spec.policyTypes.includes('Ingress'));
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: any) => {
      // A rule without ports (or with an empty list) admits every port, one without `from` every source.
      const portMatches = !rule.ports?.length || rule.ports.some((entry: any) => entry.port === port);
      const fromMatches =
        !rule.from?.length ||
        rule.from.some((peer: any) => {
          if (peer.namespaceSelector)
            return (
              matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': source.namespace }) &&
              (!peer.podSelector || matches(peer.podSelector, source.labels))
            );
          return source.namespace === 'triad' && matches(peer.podSelector, source.labels);
        });
      return portMatches && fromMatches;
    }),
  );
}

/**
 * The calls the architecture draws (README, "Run on Kubernetes"), as `caller → process:port`: the Ingress controller (outside) reaches the two
 * edges; each process
 * calls over gRPC the services the registry lists; the gateway fetches every subgraph over HTTP; every process
 * reads the signing keys (and services get their tokens) from users-service's HTTP port; Prometheus, from the
 * monitoring namespace, scrapes every process's HTTP port; in the local overlay, the processes with a database,
 * and only they, reach PostgreSQL, and those that share state, and only they, reach Valkey.
 */
function drawnCalls(overlay: 'local' | 'production'): string[] {
  const calls = new Set<string>();
  const processes = [...PROCESS_NAMES];
  const edges = processes.filter((name) => processEntry(name).kind === 'edge');
  const gateway = edges.find((name) => processEntry(name).subgraph === null)!;
  const http = (name: ProcessName) => processEntry(name).http.port;
  // The edges: from the Ingress controller, Prometheus, and for a subgraph the gateway.
  for (const edge of edges) {
    for (const source of ['outside', 'monitoring']) calls.add(`${source} → ${edge}:${http(edge)}`);
    if (processEntry(edge).subgraph) calls.add(`${gateway} → ${edge}:${http(edge)}`);
  }
  for (const name of processes) {
    for (const target of serviceCalls(name)) calls.add(`${name} → ${target}:${SYSTEM[target].grpc.port}`);
    if (processEntry(name).kind === 'service') {
      calls.add(`monitoring → ${name}:${http(name)}`);
      if (processEntry(name).subgraph) calls.add(`${gateway} → ${name}:${http(name)}`);
    }
    if (name !== 'users-service') calls.add(`${name} → users-service:${http('users-service')}`);
    if (overlay === 'local' && processEntry(name).database) calls.add(`${name} → postgres:5432`);
    if (overlay === 'local' && processEntry(name).sharedState) calls.add(`${name} → valkey:6379`);
  }
  return [...calls];
}
