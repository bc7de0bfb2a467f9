import { freePort } from '@triad/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const workspaceRoot = join(import.meta.dirname, '../../..');
const SERVICES = ['users-service', 'catalog-service', 'orders-service', 'rest-api', 'graphql-gateway'];

let launcher: ChildProcess;
let launcherExit: Promise<[number | null, NodeJS.Signals | null]>;
let output = '';
let dataDir: string;
let rest: string;
let usersReadyz: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-launcher-'));
  const ports = {
    GATEWAY_PORT: await freePort(),
    REST_PORT: await freePort(),
    USERS_GRPC_PORT: await freePort(),
    USERS_HTTP_PORT: await freePort(),
    CATALOG_GRPC_PORT: await freePort(),
    CATALOG_HTTP_PORT: await freePort(),
    ORDERS_GRPC_PORT: await freePort(),
    ORDERS_HTTP_PORT: await freePort(),
  };
  rest = `http://127.0.0.1:${ports.REST_PORT}`;
  usersReadyz = `http://127.0.0.1:${ports.USERS_HTTP_PORT}/readyz`;
  const env = { ...process.env, ...stringValues(ports), TRIAD_DATA_DIR: dataDir, LOG_LEVEL: 'warn', FULFILMENT_SIMULATOR: 'false' };
  // A process group of its own, as a shell gives a foreground job, so that `ctrlC()` can signal the group.
  launcher = spawn(process.execPath, ['tools/start.mjs'], { cwd: workspaceRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  launcherExit = once(launcher, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  for (const stream of [launcher.stdout, launcher.stderr]) stream?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  await outputMatching(/Triad is running/, 170_000);
});

afterAll(async () => {
  // Only when a test failed before the launcher stopped: stop it as a user would, then remove its data.
  if (launcher?.exitCode === null && launcher.signalCode === null) {
    process.kill(-launcher.pid!, 'SIGTERM');
    await Promise.race([launcherExit, sleep(60_000)]);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start (tools/start.mjs)', () => {
  it('restarts a service that was killed, while the others keep serving', async () => {
    const killed = servicePid('users-service');
    process.kill(killed, 'SIGKILL');
    await outputMatching(/launcher +warn +users-service was killed by SIGKILL; restarting it in 0\.5 s \(attempt 1\)/);

    // Until users-service is back, the catalog keeps answering through the REST edge.
    const productsWhileDown: number[] = [];
    const deadline = Date.now() + 90_000;
    while ((await statusOf(usersReadyz)) !== 200 && Date.now() < deadline) {
      productsWhileDown.push(await statusOf(`${rest}/v1/products?page_size=1`));
      await sleep(500);
    }
    expect(await statusOf(usersReadyz), output).toBe(200);
    expect(productsWhileDown.length).toBeGreaterThan(0);
    expect(new Set(productsWhileDown)).toEqual(new Set([200]));

    expect(servicePid('users-service')).not.toBe(killed);
    const signIn = await fetch(`${rest}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@triad.dev', password: 'alice-password' }),
    });
    expect(signIn.status).toBe(200);
  }, 150_000);

  it('stops every process cleanly on Ctrl-C, and a second Ctrl-C does not cut that short', async () => {
    const pids = SERVICES.map(servicePid);
    ctrlC();
    await outputMatching(/Ctrl-C: stopping Triad/);
    ctrlC();

    const [code] = await launcherExit;
    expect(code, output).toBe(0);
    expect(output).toContain('Ctrl-C: already stopping');
    expect(output).toContain('Stopped.');
    expect(output).not.toContain('not cleanly');
    expect(pids.filter(isRunning)).toEqual([]);
    expect(await statusOf(usersReadyz)).toBe(0);
  }, 120_000);
});

/** What a terminal's Ctrl-C does: SIGINT to every process in the foreground job's process group. */
function ctrlC(): void {
  process.kill(-launcher.pid!, 'SIGINT');
}

/** Resolves as soon as the launcher has printed `pattern`, so a test can act while the launcher is mid-way. */
function outputMatching(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(timer);
      launcher.stdout?.off('data', check);
      launcher.off('exit', exited);
      if (error) reject(error);
      else resolve();
    };
    const check = () => pattern.test(output) && settle();
    const exited = () => settle(new Error(`The launcher exited before printing ${pattern}:\n${output}`));
    const timer = setTimeout(
      () => settle(new Error(`The launcher did not print ${pattern} within ${timeoutMs / 1000} s:\n${output}`)),
      timeoutMs,
    );
    launcher.stdout?.on('data', check);
    launcher.once('exit', exited);
    check();
    if (launcher.exitCode !== null || launcher.signalCode !== null) exited();
  });
}

/**
 * The PID of one of the launcher's processes, read from /proc (Linux) rather than `ps`, which a slim image
 * such as node:24-trixie-slim does not have.
 */
function servicePid(name: string): number {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent; the command name before it may hold spaces, so split after ')'.
        const parent = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
        return parent === launcher.pid
          ? [{ pid: Number(pid), command: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') }]
          : [];
      } catch {
        return []; // gone between the listing and the read
      }
    });
  const child = children.find(({ command }) => command.includes(`apps/${name}/dist/main.js`));
  if (!child) throw new Error(`No ${name} among the launcher's processes:\n${children.map(({ command }) => command).join('\n')}`);
  return child.pid;
}

/** The HTTP status `url` answers with, or 0 when nothing answers. */
async function statusOf(url: string): Promise<number> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function stringValues(record: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
}
