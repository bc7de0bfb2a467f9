import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What must never appear in any log line of any process, whatever the level: the passwords the suite signs in
 * with, the client secrets each run gave the services, and anything shaped like an access token, an API key
 * secret, a user's OAuth client secret or a password hash.
 */
const KNOWN_PASSWORDS = [
  'admin-password',
  'alice-password',
  'bob-password',
  'carol-password',
  'buyer-password',
  'graph-password',
  'rest-password',
];
const SECRET_SHAPES: [string, RegExp][] = [
  ['an access token (JWT)', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/],
  ['an API key secret', /triad_[0-9a-f]{8}_[\w-]{43}/],
  ['an OAuth client secret', /triad_cs_[\w-]{43}/],
  ['a browser session secret', /triad_ss_[\w-]{43}/],
  ['a password hash', /scrypt\$\d+\$\d+\$\d+\$/],
  ['a bearer credential', /Bearer\s+[\w-]{20,}/i],
];

/**
 * Runs around the whole end-to-end suite: every system it starts appends each line its processes print to one
 * file (see `TRIAD_SYSTEM_LOG_FILE` in @triad/testing), and once every spec has run, the suite fails if any
 * of those lines holds a secret.
 */
export default function setup(): () => void {
  const folder = mkdtempSync(join(tmpdir(), 'triad-e2e-logs-'));
  const file = join(folder, 'system.log');
  process.env['TRIAD_SYSTEM_LOG_FILE'] = file;
  return () => {
    const text = readIfThere(file);
    const clientSecrets = readIfThere(`${file}.secrets`).split('\n').filter(Boolean);
    rmSync(folder, { recursive: true, force: true });
    const found = findSecrets(text, clientSecrets);
    if (found.length > 0) {
      throw new Error(`Secrets reached the logs of the system under test:\n${found.join('\n')}`);
    }
    process.stdout.write(`[secrets-in-logs] ${text.split('\n').length - 1} log lines of every process checked: no secret found\n`);
  };
}

/** A file's text, or nothing when no system was started (a filtered run). */
function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Each line that holds a secret, named by what it holds and cut short, so the report leaks no more of it. */
export function findSecrets(text: string, clientSecrets: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const line of text.split('\n')) {
    if (clientSecrets.some((secret) => line.includes(secret))) {
      found.push(`a service's client secret, in: ${line.slice(0, 40)}…`);
      continue;
    }
    const password = KNOWN_PASSWORDS.find((known) => line.includes(known));
    const shape = SECRET_SHAPES.find(([, pattern]) => pattern.test(line));
    if (password) found.push(`a password the suite used, in: ${line.slice(0, 80)}…`);
    else if (shape) found.push(`${shape[0]}, in: ${line.slice(0, 60)}…`);
  }
  return found;
}
