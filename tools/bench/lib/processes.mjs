// CPU time of each process of the system under test, read from /proc (Linux only): the figure that carries
// over to other machines better than requests per second.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * Every process this one started, directly or not, by the name of the app it runs (`rest-api`, …) or `name`;
 * those whose ids are in `except` are left out (the processes of another system started alongside).
 */
export function systemProcesses(extra = {}, except = new Set()) {
  const parents = new Map();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const stat = readStat(pid);
    if (stat) parents.set(pid, stat[1]);
  }
  const isOurs = (pid) => {
    for (let current = parents.get(pid); current && current !== '0'; current = parents.get(current)) {
      if (current === String(process.pid)) return true;
    }
    return false;
  };
  const named = new Map();
  for (const pid of [...parents.keys()].filter((pid) => isOurs(pid) && !except.has(pid))) {
    const command = readCommand(pid);
    const app =
      /apps\/([a-z0-9-]+)\/dist\/main\.js/.exec(command)?.[1] ?? Object.entries(extra).find(([, match]) => command.includes(match))?.[0];
    if (app) named.set(app, pid);
  }
  return named;
}

/** CPU seconds (user + system) each named process has used so far. */
export function cpuSeconds(processes) {
  const used = {};
  for (const [name, pid] of processes) {
    const stat = readStat(pid);
    if (stat) used[name] = (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS;
  }
  return used;
}

/** CPU milliseconds per request in each process between two `cpuSeconds` readings, and their sum. */
export function cpuPerRequest(before, after, requests) {
  const perProcess = {};
  let total = 0;
  for (const name of Object.keys(after)) {
    const ms = ((after[name] - (before[name] ?? after[name])) * 1000) / requests;
    if (ms > 0.0005) perProcess[name] = ms;
    total += ms;
  }
  return { total, perProcess };
}

/** The resident memory (MiB) of each named process now. */
export function residentMiB(processes) {
  const resident = {};
  for (const [name, pid] of processes) {
    try {
      const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kib) resident[name] = Number(kib) / 1024;
    } catch {
      // the process ended while being read
    }
  }
  return resident;
}

function readStat(pid) {
  try {
    // Fields after the command (which may hold spaces, inside parentheses): state, ppid, … utime (14), stime (15).
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return undefined; // the process ended while being read
  }
}

function readCommand(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
