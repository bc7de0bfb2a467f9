// `npm run memory`: how much memory `npm start` takes on this machine. Builds, then starts the system as
// `npm start` does, on free ports and a fresh data folder (so the demo data is seeded, as on a first start), lets
// it idle, prints the resident memory (VmRSS from /proc, so Linux only) of the launcher and of each process it
// runs, and stops it again. `node tools/measure-memory.mjs` alone measures what is already built.
//   --settle SECONDS   how long to let it idle before measuring (default 120: V8 frees what start-up left
//                      behind in an idle process within about two minutes)
//   --data-dir DIR     use (and keep) this data folder instead of a fresh one: a second run measures a restart
//   --pid PID          measure a launcher that is already running instead of starting one
//   --max-mb MB        exit with 1 when the total is above MB, for a check in a script
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const workspaceRoot = join(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    settle: { type: 'string', default: '120' },
    'data-dir': { type: 'string' },
    pid: { type: 'string' },
    'max-mb': { type: 'string' },
  },
});
const PORT_VARIABLES = [
  'GATEWAY_PORT',
  'REST_PORT',
  'USERS_GRPC_PORT',
  'USERS_HTTP_PORT',
  'CATALOG_GRPC_PORT',
  'CATALOG_HTTP_PORT',
  'ORDERS_GRPC_PORT',
  'ORDERS_HTTP_PORT',
];

/** A port nothing listens on right now. */
async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

/** One /proc/<pid>/status field in KiB, e.g. VmRSS (resident now) or VmHWM (the most it was resident). */
function statusKib(pid, field) {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** The launcher's child processes, each named by the app it runs (`apps/<name>/dist/main.js`). */
function childrenOf(launcherPid) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent; the command name before it may hold spaces, so split after ')'.
        const parent = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
        if (parent !== launcherPid) return [];
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return [{ pid: Number(pid), name: command.match(/apps\/([^/]+)\/dist\/main\.js/)?.[1] ?? command }];
      } catch {
        return []; // gone between the listing and the read
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Prints a line per process and the total, and returns the total in MB (undefined when the launcher is gone). */
function measure(launcherPid) {
  if (!existsSync(`/proc/${launcherPid}`)) {
    console.error(`No process ${launcherPid} is running: give --pid the pid of a running \`node tools/start.mjs\`.`);
    return undefined;
  }
  const rows = [{ pid: launcherPid, name: 'launcher' }, ...childrenOf(launcherPid)].map((row) => ({
    ...row,
    rssMb: statusKib(row.pid, 'VmRSS') / 1024,
    peakMb: statusKib(row.pid, 'VmHWM') / 1024,
  }));
  const mb = (value) => value.toFixed(0).padStart(7);
  console.log(`${'process'.padEnd(18)} ${'pid'.padStart(7)} ${'RSS MB'.padStart(7)} ${'peak MB'.padStart(7)}`);
  for (const row of rows) console.log(`${row.name.padEnd(18)} ${String(row.pid).padStart(7)} ${mb(row.rssMb)} ${mb(row.peakMb)}`);
  const total = rows.reduce((sum, row) => sum + row.rssMb, 0);
  console.log(`${'total'.padEnd(18)} ${''.padStart(7)} ${mb(total)}`);
  return total;
}

/** What stops the launcher this script started and removes its data folder; set as soon as it is spawned. */
let stopLauncher = async () => undefined;

/** Starts `npm start`'s launcher and resolves with its pid once it says the system is running. */
async function startLauncher() {
  const dataDir = args['data-dir'] ?? mkdtempSync(join(tmpdir(), 'triad-memory-'));
  const ports = Object.fromEntries(await Promise.all(PORT_VARIABLES.map(async (name) => [name, String(await freePort())])));
  const env = { ...process.env, ...ports, TRIAD_DATA_DIR: dataDir, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  const launcher = spawn(process.execPath, ['tools/start.mjs'], { cwd: workspaceRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(launcher, 'exit');
  stopLauncher = async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      await exited;
    }
    if (!args['data-dir']) rmSync(dataDir, { recursive: true, force: true });
  };
  let output = '';
  for (const stream of [launcher.stdout, launcher.stderr]) stream.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 300_000;
  while (!output.includes('Triad is running')) {
    if (launcher.exitCode !== null || Date.now() > deadline) {
      console.error(`The system did not start:\n${output}`);
      await stopLauncher();
      process.exit(1);
    }
    await sleep(250);
  }
  return launcher.pid;
}

if (!existsSync('/proc/self/status')) {
  console.error('Measuring memory reads /proc, which only Linux has.');
  process.exit(1);
}
// Ctrl-C reaches the launcher too, which stops the system; this waits for that and removes the data folder.
process.on('SIGINT', () => void stopLauncher().then(() => process.exit(130)));
const launcherPid = args.pid ? Number(args.pid) : await startLauncher();
try {
  console.log(`Letting the system idle for ${args.settle} s before measuring...`);
  await sleep(Number(args.settle) * 1000);
  const total = measure(launcherPid);
  if (total === undefined) process.exitCode = 1;
  else if (args['max-mb'] && total > Number(args['max-mb'])) {
    console.error(`The system takes ${total.toFixed(0)} MB, more than ${args['max-mb']} MB.`);
    process.exitCode = 1;
  }
} finally {
  await stopLauncher();
}
