import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

/** The kinds Triad's manifests use, with their JSON schemas (kubernetes-models, offline). */
const MODELS = [
  ConfigMap,
  Deployment,
  HorizontalPodAutoscaler,
  Ingress,
  Namespace,
  NetworkPolicy,
  PodDisruptionBudget,
  Secret,
  Service,
  ServiceAccount,
  StatefulSet,
];

/** Throws, saying what is wrong, when `manifest` does not validate against its kind's schema (or the kind is not known here). */
export function validateManifest(manifest: { apiVersion: string; kind: string; data?: Record<string, string> }): void {
  const Model = MODELS.find((model) => model.apiVersion === manifest.apiVersion && model.kind === manifest.kind);
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}: add its model to deploy/k8s/src/schemas.ts`);
  new Model(asTheApiServerReadsIt(manifest) as never).validate();
}

/**
 * kustomize wraps a long Secret value's base64 over several lines, which the API server's decoder skips and the
 * schema's `byte` format does not: it is checked as the server reads it.
 */
function asTheApiServerReadsIt<Manifest extends { kind: string; data?: Record<string, string> }>(manifest: Manifest): Manifest {
  if (manifest.kind !== 'Secret' || !manifest.data) return manifest;
  return {
    ...manifest,
    data: Object.fromEntries(Object.entries(manifest.data).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')])),
  };
}
