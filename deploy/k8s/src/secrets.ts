import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROCESS_NAMES, processEntry, SERVICE_GRANTS } from '@triad/platform/system';

/**
 * Fills an overlay's git-ignored `secrets/` folder, which its `secretGenerator` reads, apart from
 * `signing-keys.json` (users-service's `generate-signing-keys` writes that one):
 * - `service-clients.env`: a random secret for each service client of SERVICE_GRANTS;
 * - with `database: 'in-cluster'` (the local overlay's PostgreSQL): `postgres.env`, the server's password and one
 *   database and owning role per process with a database, as deploy/postgres/init-databases.sh reads them, and
 *   `database-urls.env`, each such process's DATABASE_URL for its own role and database only.
 * An external database's URLs and Valkey's are the operator's to write (`database-urls.env`, `shared-state.env`);
 * nothing is made up for them.
 * Values already there are kept, so running it again changes nothing, and a process added to the registry since
 * gets its own. Returns the files it changed.
 */
export function writeSecrets(folder: string, options: { database: 'in-cluster' | 'external' }): string[] {
  mkdirSync(folder, { recursive: true });
  // Only its owner may list it, whoever made it first (users-service's generate-signing-keys may have).
  chmodSync(folder, 0o700);
  const changed: string[] = [];
  const edit = (file: string, fill: (values: Map<string, string>) => void) => {
    const path = join(folder, file);
    const values = existsSync(path) ? readEnvFile(path) : new Map<string, string>();
    const before = serialize(values);
    fill(values);
    if (serialize(values) === before) return;
    writeFileSync(path, serialize(values), { mode: 0o600 });
    changed.push(file);
  };
  edit('service-clients.env', (clients) => {
    for (const client of Object.keys(SERVICE_GRANTS)) if (!clients.has(client)) clients.set(client, secret());
  });
  if (options.database === 'in-cluster') {
    const owners = PROCESS_NAMES.filter((name) => processEntry(name).database);
    const passwordKey = (name: (typeof owners)[number]) => `${processEntry(name).scope.toUpperCase()}_DB_PASSWORD`;
    let server = new Map<string, string>();
    edit('postgres.env', (values) => {
      if (!values.has('POSTGRES_PASSWORD')) values.set('POSTGRES_PASSWORD', secret());
      values.set('SERVICE_DATABASES', owners.map((name) => processEntry(name).scope).join(' '));
      for (const name of owners) if (!values.has(passwordKey(name))) values.set(passwordKey(name), secret());
      server = values;
    });
    edit('database-urls.env', (urls) => {
      for (const name of owners) {
        const { scope } = processEntry(name);
        urls.set(name, `postgres://${scope}:${server.get(passwordKey(name))}@postgres:5432/${scope}`);
      }
    });
  }
  return changed;
}

/** What an external database and Valkey need that only the operator can write: a line per missing value. */
export function missingExternalSecrets(folder: string): string[] {
  const read = (file: string) => (existsSync(join(folder, file)) ? readEnvFile(join(folder, file)) : new Map<string, string>());
  const urls = read('database-urls.env');
  const missing = PROCESS_NAMES.filter((name) => processEntry(name).database && !urls.get(name)).map(
    (name) => `database-urls.env: ${name}=postgres://…`,
  );
  if (PROCESS_NAMES.some((name) => processEntry(name).sharedState) && !read('shared-state.env').get('VALKEY_URL')) {
    missing.push('shared-state.env: VALKEY_URL=rediss://…');
  }
  return missing;
}

/** 32 random bytes, URL-safe: what client secrets and database passwords are made of. */
function secret(): string {
  return randomBytes(32).toString('base64url');
}

function readEnvFile(path: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0 && !line.startsWith('#')) values.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return values;
}

function serialize(values: Map<string, string>): string {
  return [...values].map(([key, value]) => `${key}=${value}\n`).join('');
}
