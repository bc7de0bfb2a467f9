import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { nextAttempt, restartDelay, type RestartNotice, type RestartPolicy } from './restart-policy.js';

/** How to run one process of the system, and whom to tell when it exits on its own. */
export interface ProcessLaunch {
  name: string;
  /** The built entry point, as an absolute path. */
  main: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Receives each line the process prints. */
  print: (line: string) => void;
  /** When set, an exit after the process was first ready is restarted; `onUnexpectedExit` hears of it otherwise. */
  supervision?: { policy: RestartPolicy; onRestart?: (notice: RestartNotice) => void } | undefined;
  onUnexpectedExit: (description: string) => void;
}

/**
 * Memory settings for every process. V8 and glibc size a process as if it had the machine to itself; here six
 * share it (`npm run memory` measures them). The price, under a burst of GraphQL requests: about a fifth more CPU
 * per request in the gateway and catalog-service, mostly from the old generation's limit (more collections).
 * - V8 lets the young generation's semi-spaces grow to 64 MB on a machine with plenty of memory: after start-up
 *   every process holds ~115 MB of them for minutes, a busy one for good. 8 MB semi-spaces are plenty.
 * - Under its default limit (4 GB on such a machine) V8 lets the old generation grow to up to four times what
 *   is live before collecting; under 512 MB (several times the largest live heap, ~80 MB) it grows by less
 *   than twice. The gateway then stays near 250 MB under load instead of reaching 450-570 MB.
 * - glibc raises its trim and mmap thresholds whenever a large block is freed, and from then on keeps freed
 *   memory in the process. PGlite's start-up (initdb, WebAssembly compilation) frees hundreds of MB: pinning
 *   both thresholds at their initial 128 KiB hands that back to the system. Other C libraries ignore this.
 */
const NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=512'];
/** OpenTelemetry starts before the app's first import (see `libs/platform/src/telemetry/register.ts`). */
const TELEMETRY = ['--import', '@triad/platform/telemetry/register'];
const MALLOC_TUNABLES = 'glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072';

const READY_TIMEOUT_MS = 90_000;
/** How long a process may take to stop after SIGTERM before it is killed. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * One process of the system, through its restarts. A supervised process is restarted only once it has been
 * ready: one that cannot start at all (a port in use, a bad setting) fails `startSystem` instead of looping.
 */
export class SystemProcess {
  private child: ChildProcess;
  private startedAt = Date.now();
  private wasReady = false;
  private attempt = 0;
  private pendingRestart: NodeJS.Timeout | undefined;
  private stopped: Promise<number | null | undefined> | undefined;

  constructor(private readonly launch: ProcessLaunch) {
    this.child = this.spawnChild();
  }

  get name(): string {
    return this.launch.name;
  }

  /** Resolves once `readyUrl` answers 2xx; rejects if the process exits first, after 90 s, or on `signal`. */
  async waitUntilReady(readyUrl: string, signal: AbortSignal | undefined, recentOutput: () => string): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      if (hasExited(this.child)) {
        throw new Error(`${this.name} exited with ${this.child.exitCode ?? this.child.signalCode} before it was ready:\n${recentOutput()}`);
      }
      if (await answersOk(readyUrl)) {
        this.wasReady = true;
        return;
      }
      await sleep(250);
    }
    throw new Error(`${this.name} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${recentOutput()}`);
  }

  /**
   * Cancels a pending restart and ends the process with SIGTERM. Resolves with its exit code, or undefined
   * when it was not running; calling it again returns the same promise.
   */
  stop(): Promise<number | null | undefined> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  private async terminate(): Promise<number | null | undefined> {
    clearTimeout(this.pendingRestart);
    const child = this.child;
    if (hasExited(child)) return undefined;
    const exit = once(child, 'exit') as Promise<[number | null]>;
    child.kill('SIGTERM');
    // Every process drains within its own grace period (10 s); one that hangs past this is killed.
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const [code] = await exit;
    clearTimeout(kill);
    return code;
  }

  private spawnChild(): ChildProcess {
    const { main, cwd, env, supervision } = this.launch;
    // A supervised child gets a process group of its own, so a terminal's Ctrl-C reaches only the supervisor,
    // which alone decides how to stop it: a second Ctrl-C cannot cut its graceful shutdown short.
    const detached = supervision !== undefined;
    // Tunables set by the caller's environment come last, so they win.
    const tunables = [MALLOC_TUNABLES, env['GLIBC_TUNABLES']].filter(Boolean).join(':');
    const child = spawn(process.execPath, [...NODE_FLAGS, ...TELEMETRY, main], {
      cwd,
      env: { OTEL_SERVICE_NAME: this.launch.name, ...env, GLIBC_TUNABLES: tunables },
      detached,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    forwardLines(child, this.launch.print);
    if (detached) endWhenThisProcessExits(child);
    this.startedAt = Date.now();
    child.once('exit', (code, signal) => this.onExit(code, signal));
    return child;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped) return;
    const { supervision } = this.launch;
    if (!supervision || !this.wasReady) {
      this.launch.onUnexpectedExit(`${this.name} exited on its own (${code ?? signal})`);
      return;
    }
    this.attempt = nextAttempt(supervision.policy, this.attempt, Date.now() - this.startedAt);
    const delayMs = restartDelay(supervision.policy, this.attempt);
    supervision.onRestart?.({ process: this.name, code, signal, attempt: this.attempt, delayMs });
    this.pendingRestart = setTimeout(() => (this.child = this.spawnChild()), delayMs);
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** node:http rather than fetch, whose undici would add ~10 MB to `npm start`'s launcher for this alone. */
function answersOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300);
    });
    request.setTimeout(5_000, () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function forwardLines(child: ChildProcess, print: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (buffered + chunk).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line) print(line);
    });
  }
}

/** A detached child outlives its parent unless told; a crash of the parent ends it too (a SIGKILL cannot). */
function endWhenThisProcessExits(child: ChildProcess): void {
  const end = () => child.kill('SIGTERM');
  process.once('exit', end);
  child.once('exit', () => process.off('exit', end));
}
