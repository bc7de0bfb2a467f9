// `npm run k8s:secrets -- local` (or `production`): fills deploy/k8s/overlays/<overlay>/secrets/, the git-ignored
// folder the overlay's secretGenerator reads. It makes users-service's signing key (with users-service's own
// generate-signing-keys) and a client secret for each service; for `local`, the in-cluster PostgreSQL's
// passwords and every DATABASE_URL as well. For `production`, write secrets/database-urls.env (one line
// `<process>=postgres://…` per process with a database) and secrets/shared-state.env (`VALKEY_URL=rediss://…`)
// yourself, as secrets.example/ shows; it lists what is still missing. Existing values are kept.
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { missingExternalSecrets, writeSecrets } from './secrets.ts';

const OVERLAYS = { local: 'in-cluster', production: 'external' } as const;
const overlay = process.argv[2];
if (overlay !== 'local' && overlay !== 'production') {
  process.stderr.write(`usage: npm run k8s:secrets -- <${Object.keys(OVERLAYS).join(' | ')}>\n`);
  process.exit(2);
}
const folder = join(import.meta.dirname, '..', 'overlays', overlay, 'secrets');
const changed = writeSecrets(folder, { database: OVERLAYS[overlay] });
const keys = join(folder, 'signing-keys.json');
execFileSync(
  process.execPath,
  [join(import.meta.dirname, '../../../apps/users-service/dist/auth/generate-signing-keys.js'), keys, '--if-missing'],
  {
    stdio: 'inherit',
  },
);
const shown = relative(process.cwd(), folder);
process.stdout.write(changed.length > 0 ? `${shown}: wrote ${changed.join(', ')}\n` : `${shown}: every secret was there already\n`);
const missing = OVERLAYS[overlay] === 'external' ? missingExternalSecrets(folder) : [];
if (missing.length > 0) {
  process.stdout.write(`${shown} still needs, from you:\n${missing.map((line) => `  ${line}\n`).join('')}`);
  process.exitCode = 1;
}
