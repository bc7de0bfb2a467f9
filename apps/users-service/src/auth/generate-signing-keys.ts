// Writes a signing-keys file for users-service (AUTH_SIGNING_KEYS_FILE), or rotates the one there:
//
//   node apps/users-service/dist/auth/generate-signing-keys.js keys.json            # a file with one new key
//   node apps/users-service/dist/auth/generate-signing-keys.js keys.json --rotate   # a new key first, the rest kept
//   node apps/users-service/dist/auth/generate-signing-keys.js keys.json --if-missing
//
// After --rotate, restart users-service: it signs with the new key and still publishes the old ones, so tokens
// they signed keep verifying everywhere until they expire; drop the old key from the file after the longest
// token lifetime. Verifiers fetch the new public key by its kid, with no restart.
import { generateSigningKey } from '@triad/platform';
import { existsSync } from 'node:fs';
import { readKeysFile, writeKeysFile } from './signing-keys.loader.js';

const [file, option] = process.argv.slice(2);
if (!file || (option !== undefined && option !== '--rotate' && option !== '--if-missing')) {
  process.stderr.write('usage: generate-signing-keys <file> [--rotate | --if-missing]\n');
  process.exit(2);
}
if (option === '--if-missing' && existsSync(file)) {
  process.stdout.write(`${file} exists; left as it is\n`);
} else {
  const kept = option === '--rotate' && existsSync(file) ? readKeysFile(file, file) : [];
  const key = await generateSigningKey();
  writeKeysFile(file, [key, ...kept]);
  process.stdout.write(`${file}: signing with ${key.kid}${kept.length > 0 ? `, still publishing ${kept.length} older key(s)` : ''}\n`);
}
