/**
 * The paths every process serves to its orchestrator and to Prometheus rather than to users (probes and
 * scrapes). They come every few seconds, so they are neither logged nor traced nor counted as traffic.
 */
export const INFRASTRUCTURE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
