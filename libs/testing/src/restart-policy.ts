/**
 * How a supervised system restarts a process that exits on its own: after `initialDelayMs`, doubling with each
 * further crash up to `maxDelayMs`. A process that stayed up for `resetAfterMs` was healthy, so its next crash
 * starts over at `initialDelayMs`.
 */
export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 15_000, resetAfterMs: 30_000 };

/** Told once for each exit that a supervised system will restart, before it waits. */
export interface RestartNotice {
  /** The process's name, e.g. `users-service`. */
  process: string;
  /** Its exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Which restart in a row this is, from 1. */
  attempt: number;
  /** How long the system waits before starting it again. */
  delayMs: number;
}

/** Which restart in a row comes next, given the last one and how long the process stayed up since. */
export function nextAttempt(policy: RestartPolicy, previousAttempt: number, upForMs: number): number {
  return upForMs >= policy.resetAfterMs ? 1 : previousAttempt + 1;
}

/** How long to wait before restart number `attempt` (from 1). */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.initialDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
}
