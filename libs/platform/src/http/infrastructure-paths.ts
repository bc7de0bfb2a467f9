/**
 * The paths every process serves to its orchestrator and to Prometheus rather than to users (probes and
 * scrapes). They come every few seconds, so they are neither logged nor traced nor counted as traffic.
 */
export const INFRASTRUCTURE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** The path of a request target as sent, without its query string. */
export function pathOf(url: string): string {
  return url.split('?', 1)[0] ?? '';
}
