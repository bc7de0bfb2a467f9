/**
 * What the rest of the process needs from telemetry once `startTelemetry` ran: its metrics for `/metrics` and
 * a way to flush on shutdown. Kept apart from the SDK, which only the `--import` entry point loads, and held on
 * `globalThis` so that every copy of this module in a process sees the one that was started.
 */
interface RunningTelemetry {
  /** The process's metrics in Prometheus' text exposition format. */
  prometheusText(): Promise<string>;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('triad.telemetry');
type TelemetryGlobal = typeof globalThis & { [KEY]?: RunningTelemetry | undefined };

export function setRunningTelemetry(telemetry: RunningTelemetry | undefined): void {
  (globalThis as TelemetryGlobal)[KEY] = telemetry;
}

export function runningTelemetry(): RunningTelemetry | undefined {
  return (globalThis as TelemetryGlobal)[KEY];
}

/** The process's metrics in Prometheus' text format, or undefined when telemetry was not started. */
export function prometheusMetrics(): Promise<string | undefined> {
  return runningTelemetry()?.prometheusText() ?? Promise.resolve(undefined);
}

/** Sends the spans still buffered and stops telemetry; the last step of graceful shutdown. */
export async function stopTelemetry(): Promise<void> {
  const telemetry = runningTelemetry();
  setRunningTelemetry(undefined);
  await telemetry?.shutdown();
}
