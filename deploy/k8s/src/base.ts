import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import {
  processEntry,
  PROCESS_NAMES,
  SERVICE_GRANTS,
  serviceCalls,
  serviceSettingNames,
  subgraphProcesses,
  subgraphUrlSetting,
  SYSTEM,
  type ProcessName,
} from '@triad/platform/system';

/**
 * The kustomize base (`deploy/k8s/base`), made from the system registry: per process a ServiceAccount, its
 * settings (a ConfigMap from the kustomization's generator), a Deployment, Services, a PodDisruptionBudget and
 * the NetworkPolicy that admits exactly the calls the registry draws; an autoscaler for each edge; one Ingress.
 * `base.spec.ts` writes the files (`npx nx test k8s -- -u`) and fails when they no longer match, so a service
 * added to the registry (the service generator does it) gets its manifests as well.
 */

/** users-service holds the signing keys and the services' client secrets: the system's authorization server. */
const AUTHORIZATION_SERVER = 'users-service' satisfies ProcessName;
/** The label every Triad workload carries, and by which its NetworkPolicies recognise one another. */
const PART_OF = { 'app.kubernetes.io/part-of': 'triad' } as const;
/** The label of the pods that own a database: deploy/postgres admits only them. */
const DATABASE_OWNER_LABEL = 'triad.dev/database-owner';
/** The label of the pods that share state in Valkey: deploy/valkey admits only them. */
const SHARED_STATE_LABEL = 'triad.dev/shared-state';
/** Prometheus, which may read `/metrics`: its namespace (by `kubernetes.io/metadata.name`) and its pods' name label. */
const PROMETHEUS = { namespace: 'monitoring', name: 'prometheus' };
/** The Ingress controller's namespace (ingress-nginx's own): the one way in to the edges. */
const INGRESS_NAMESPACE = 'ingress-nginx';
/** Where secrets are mounted in a container, one folder per Secret. */
const SECRETS_DIR = '/var/run/triad';
/**
 * How long a pod keeps serving after Kubernetes decides to stop it, before the process hears SIGTERM: Services,
 * Ingress controllers and gRPC clients take a few seconds to stop sending it calls.
 */
const PRE_STOP_SECONDS = 5;
/** Then the apps drain in-flight calls for 10 s; the pod gets a little longer than both before SIGKILL. */
const TERMINATION_GRACE_SECONDS = PRE_STOP_SECONDS + 15;

/** The Secrets the overlays generate from git-ignored files (see each overlay's `secrets.example/`). */
const SECRETS = {
  /** One key per process with a database: its `DATABASE_URL`. */
  databaseUrls: 'database-urls',
  /** users-service's private signing keys, as `generate-signing-keys` writes them: key `signing-keys.json`. */
  signingKeys: 'signing-keys',
  /** One key per service client (SERVICE_GRANTS): the secret it proves itself with to the authorization server. */
  serviceClients: 'service-clients',
  /** Key `VALKEY_URL`: where the processes whose replicas share state (the registry's `sharedState`) keep it. */
  sharedState: 'shared-state',
} as const;

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;

/** The base's files: each process's manifests, the default-deny policy, the Ingress and the kustomization. */
export function baseFiles(): Record<string, Manifest[] | KustomizationFile> {
  const files: Record<string, Manifest[] | KustomizationFile> = {};
  for (const name of PROCESS_NAMES) files[`${name}.yaml`] = processManifests(name);
  files['default-deny.yaml'] = [defaultDenyIngress()];
  files['ingress.yaml'] = [ingress()];
  files['kustomization.yaml'] = kustomization(Object.keys(files));
  return files;
}

interface KustomizationFile {
  apiVersion: string;
  kind: 'Kustomization';
  resources: string[];
  configMapGenerator: { name: string; literals: string[] }[];
}

function kustomization(resources: string[]): KustomizationFile {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
    // Generated, so a changed setting gets a new name and rolls the Deployments that read it.
    configMapGenerator: [
      { name: SYSTEM_SETTINGS, literals: Object.entries(SYSTEM_WIDE).map(([key, value]) => `${key}=${value}`) },
      ...PROCESS_NAMES.map((name) => ({
        name: configMapName(name),
        literals: Object.entries(settings(name)).map(([key, value]) => `${key}=${value}`),
      })),
    ],
  };
}

const labels = (name: ProcessName) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/component': processEntry(name).kind,
  ...PART_OF,
});
/** A pod's labels: a process that owns a database is marked, and only such pods may reach a database server. */
const podLabels = (name: ProcessName) => ({
  ...labels(name),
  ...(processEntry(name).database ? { [DATABASE_OWNER_LABEL]: 'true' } : {}),
  ...(processEntry(name).sharedState ? { [SHARED_STATE_LABEL]: 'true' } : {}),
});
const selector = (name: ProcessName) => ({ 'app.kubernetes.io/name': name });
const configMapName = (name: ProcessName) => `${name}-settings`;
/** The ConfigMap of what every process must agree on, which each overlay sets for its cluster. */
const SYSTEM_SETTINGS = 'system-settings';
const SYSTEM_WIDE = {
  // The `iss` of every token: users-service's authorization server as clients reach it, at the REST edge's
  // public address. Each overlay sets its own (its Ingress host for rest-api, then /oidc).
  AUTH_ISSUER: `http://localhost:${SYSTEM['rest-api'].http.port}/oidc`,
};
/** The headless Service whose DNS name resolves to every ready pod: what gRPC clients balance over. */
const grpcServiceName = (name: ProcessName) => `${name}-grpc`;
const isServiceClient = (name: ProcessName): name is keyof typeof SERVICE_GRANTS => name in SERVICE_GRANTS;
const clientSecretSetting = (client: string) => `${client.toUpperCase().replaceAll('-', '_')}_CLIENT_SECRET_FILE`;

/** What a process reads from its environment, apart from secrets: the same names `npm start` and compose set. */
function settings(name: ProcessName): Record<string, string> {
  const entry = processEntry(name);
  const values: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    AUTH_SERVER_URL: `http://${AUTHORIZATION_SERVER}:${SYSTEM[AUTHORIZATION_SERVER].http.port}`,
  };
  // The demo accounts and products are for trying Triad out: only the local overlay turns them on.
  if (entry.kind === 'service') values['SEED_DEMO_DATA'] = 'false';
  // `dns:///` makes grpc-js resolve every address of the headless Service, and round_robin balances calls over them.
  if (serviceCalls(name).length > 0) values['GRPC_LB_POLICY'] = 'round_robin';
  for (const target of serviceCalls(name)) {
    values[serviceSettingNames(target).address] = `dns:///${grpcServiceName(target)}:${SYSTEM[target].grpc.port}`;
  }
  if (entry.kind === 'edge' && entry.subgraph === null) {
    for (const { process } of subgraphProcesses()) {
      values[subgraphUrlSetting(process)] = `http://${process}:${processEntry(process).http.port}/graphql`;
    }
  }
  if (isServiceClient(name)) values['SERVICE_CLIENT_SECRET_FILE'] = `${SECRETS_DIR}/client/client-secret`;
  if (name === AUTHORIZATION_SERVER) {
    values['AUTH_SIGNING_KEYS_FILE'] = `${SECRETS_DIR}/signing-keys/signing-keys.json`;
    for (const client of Object.keys(SERVICE_GRANTS)) values[clientSecretSetting(client)] = `${SECRETS_DIR}/service-clients/${client}`;
  }
  return values;
}

function processManifests(name: ProcessName): Manifest[] {
  const entry = processEntry(name);
  const manifests: Manifest[] = [serviceAccount(name), deployment(name), httpService(name)];
  if (entry.grpc) manifests.push(grpcService(name, entry.grpc.port));
  manifests.push(podDisruptionBudget(name), networkPolicy(name));
  if (entry.kind === 'edge') manifests.push(autoscaler(name));
  return manifests;
}

function serviceAccount(name: ProcessName): Manifest & IServiceAccount {
  // No process talks to the Kubernetes API: no token is mounted.
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, labels: labels(name) }, automountServiceAccountToken: false };
}

function deployment(name: ProcessName): Manifest & IDeployment {
  const entry = processEntry(name);
  const { volumes, mounts } = secretVolumes(name);
  const env: IEnvVar[] = [
    ...(entry.database ? [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: SECRETS.databaseUrls, key: name } } }] : []),
    ...(entry.sharedState ? [{ name: 'VALKEY_URL', valueFrom: { secretKeyRef: { name: SECRETS.sharedState, key: 'VALKEY_URL' } } }] : []),
  ];
  const container: IContainer = {
    name,
    // Built by `docker build -f deploy/Dockerfile --build-arg APP=<name> -t triad/<name>:dev .`; the production overlay
    // names the registry and version instead.
    image: `triad/${name}:dev`,
    ports: [...(entry.grpc ? [{ name: 'grpc', containerPort: entry.grpc.port }] : []), { name: 'http', containerPort: entry.http.port }],
    // A key in both: the process's own value wins (the later source).
    envFrom: [{ configMapRef: { name: SYSTEM_SETTINGS } }, { configMapRef: { name: configMapName(name) } }],
    lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
    env,
    ...probes(name),
    resources: {
      requests: { cpu: '100m', memory: '192Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...mounts],
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: labels(name) },
    spec: {
      // An edge's replicas are its autoscaler's to set.
      ...(entry.kind === 'edge' ? {} : { replicas: 2 }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector(name) },
      // A new pod takes traffic before an old one leaves.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: podLabels(name) },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          // The image's `node` user (uid 1000), never root.
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector(name) },
            },
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector(name) },
            },
          ],
          containers: [container],
          // The root filesystem is read-only: /tmp is the one place a process may write.
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }, ...volumes],
        },
      },
    },
  };
}

/** The secrets a process reads as files: the authorization server's keys and client secrets, a client's own secret. */
function secretVolumes(name: ProcessName): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];
  const add = (volume: string, secret: IVolume['secret'], folder: string) => {
    volumes.push({ name: volume, secret: { ...secret, defaultMode: 0o400 } });
    mounts.push({ name: volume, mountPath: `${SECRETS_DIR}/${folder}`, readOnly: true });
  };
  if (name === AUTHORIZATION_SERVER) {
    add('signing-keys', { secretName: SECRETS.signingKeys }, 'signing-keys');
    add('service-clients', { secretName: SECRETS.serviceClients }, 'service-clients');
  }
  // Only its own key of the shared Secret: a client never sees another's secret.
  if (isServiceClient(name))
    add('client-secret', { secretName: SECRETS.serviceClients, items: [{ key: name, path: 'client-secret' }] }, 'client');
  return { volumes, mounts };
}

/**
 * Services are ready when the gRPC health service says SERVING (the kubelet's own gRPC probe); edges when
 * `/readyz` answers. `/healthz` says a process is alive. The start-up probe allows two minutes for migrations.
 */
function probes(name: ProcessName): Pick<IContainer, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const entry = processEntry(name);
  const ready: IProbe = entry.grpc ? { grpc: { port: entry.grpc.port } } : { httpGet: { path: '/readyz', port: 'http' } };
  return {
    startupProbe: { ...ready, periodSeconds: 2, failureThreshold: 60 },
    readinessProbe: { ...ready, periodSeconds: 5, failureThreshold: 2 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  };
}

function httpService(name: ProcessName): Manifest & IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: labels(name) },
    spec: { selector: selector(name), ports: [{ name: 'http', port: processEntry(name).http.port, targetPort: 'http' }] },
  };
}

/**
 * Headless: its DNS name lists every ready pod, so each gRPC client connects to all of them and balances
 * calls round-robin. A ClusterIP Service would pin each client's one HTTP/2 connection to one pod.
 */
function grpcService(name: ProcessName, port: number): Manifest & IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: grpcServiceName(name), labels: labels(name) },
    spec: { clusterIP: 'None', selector: selector(name), ports: [{ name: 'grpc', port, targetPort: 'grpc' }] },
  };
}

function podDisruptionBudget(name: ProcessName): Manifest & IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, labels: labels(name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector(name) } },
  };
}

function autoscaler(name: ProcessName): Manifest & IHorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, labels: labels(name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}

/** Where a call may come from: processes of the system, Prometheus, and for the edges the Ingress controller. */
interface Callers {
  processes: ProcessName[];
  monitoring: boolean;
  ingress: boolean;
}

/**
 * Who may call `name`, port by port: the services the registry says call it, the gateway for a subgraph, every
 * process for the authorization server's keys and tokens, Prometheus for every HTTP port, and the Ingress
 * controller for the edges' (nothing else reaches an edge: its TRUSTED_PROXIES trust X-Forwarded-For from
 * the controller, which no other pod can then forge).
 */
function allowedCallers(name: ProcessName): { port: number; from: Callers }[] {
  const entry = processEntry(name);
  const callers = PROCESS_NAMES.filter((caller) => serviceCalls(caller).includes(name as never));
  const rules: ReturnType<typeof allowedCallers> = [];
  if (entry.grpc) rules.push({ port: entry.grpc.port, from: { processes: callers, monitoring: false, ingress: false } });
  const httpCallers = new Set<ProcessName>();
  if (name === AUTHORIZATION_SERVER) PROCESS_NAMES.filter((other) => other !== name).forEach((other) => httpCallers.add(other));
  if (entry.subgraph) gateways().forEach((gateway) => httpCallers.add(gateway));
  rules.push({ port: entry.http.port, from: { processes: [...httpCallers], monitoring: true, ingress: entry.kind === 'edge' } });
  return rules;
}

/** The edge that serves the supergraph, and so calls every subgraph. */
const gateways = () => PROCESS_NAMES.filter((name) => processEntry(name).kind === 'edge' && processEntry(name).subgraph === null);

const namespacePeer = (namespace: string): INetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
});
/** Prometheus's pods only: no other pod of its namespace may reach an HTTP port (or forge X-Forwarded-For). */
const prometheusPeer = (): INetworkPolicyPeer => ({
  ...namespacePeer(PROMETHEUS.namespace),
  podSelector: { matchLabels: { 'app.kubernetes.io/name': PROMETHEUS.name } },
});

function networkPolicy(name: ProcessName): Manifest & INetworkPolicy {
  // An empty `from` would admit every source, so a port that no one may call gets no rule at all.
  const rules = allowedCallers(name).flatMap(({ port, from }) => {
    const peers: INetworkPolicyPeer[] = [
      ...from.processes.map((process) => ({ podSelector: { matchLabels: selector(process) } })),
      ...(from.monitoring ? [prometheusPeer()] : []),
      ...(from.ingress ? [namespacePeer(INGRESS_NAMESPACE)] : []),
    ];
    return peers.length > 0 ? [{ ports: [{ protocol: 'TCP' as const, port }], from: peers }] : [];
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels: labels(name) },
    spec: { podSelector: { matchLabels: selector(name) }, policyTypes: ['Ingress'], ingress: rules },
  };
}

/** Nothing reaches a pod of the namespace unless a NetworkPolicy above lets it. */
function defaultDenyIngress(): Manifest & INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-ingress', labels: { ...PART_OF } },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  };
}

/** The public entry points: the web app and GraphQL at one host, the REST API at another. Overlays set the hosts. */
function ingress(): Manifest & IIngress {
  const edges = PROCESS_NAMES.filter((name) => processEntry(name).kind === 'edge');
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'triad', labels: { ...PART_OF } },
    spec: {
      rules: edges.map((name) => ({
        host: `${processEntry(name).scope}.triad.example`,
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }],
        },
      })),
    },
  };
}
