import { ConfigError, generateSigningKey, type PrivateSigningJwk } from '@triad/platform';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';

const privateKey = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  d: z.string().min(1),
  kid: z.string().min(1),
  alg: z.literal('EdDSA'),
});
const keysFile = z.object({ keys: z.array(privateKey).min(1) });

export interface SigningKeySettings {
  NODE_ENV: 'development' | 'test' | 'production';
  AUTH_SIGNING_KEYS_FILE?: string | undefined;
  DATA_DIR: string;
}

/**
 * The private keys users-service signs every token with, first one signing, the others still published so
 * their tokens verify until they expire. From `AUTH_SIGNING_KEYS_FILE` (a JWKS with private keys, as
 * `generate-signing-keys` writes it), required in production. Elsewhere a development key is made on first
 * start and kept in the data folder, so tokens survive a restart; no key in the repository signs anything.
 */
export async function loadSigningKeys(settings: SigningKeySettings, logger: Logger): Promise<PrivateSigningJwk[]> {
  if (settings.AUTH_SIGNING_KEYS_FILE) return readKeysFile(settings.AUTH_SIGNING_KEYS_FILE, 'AUTH_SIGNING_KEYS_FILE');
  if (settings.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid configuration: AUTH_SIGNING_KEYS_FILE is required when NODE_ENV is production (make one with generate-signing-keys).',
    );
  }
  if (settings.DATA_DIR.startsWith('memory://')) return [await generateSigningKey()];
  const file = join(settings.DATA_DIR, 'signing-keys.json');
  if (existsSync(file)) return readKeysFile(file, file);
  const keys = [await generateSigningKey()];
  writeKeysFile(file, keys);
  logger.info({ file }, 'made a development signing key; set AUTH_SIGNING_KEYS_FILE outside development');
  return keys;
}

/** Writes keys as a JWKS file only its owner can read. */
export function writeKeysFile(file: string, keys: readonly PrivateSigningJwk[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
}

export function readKeysFile(file: string, variable: string): PrivateSigningJwk[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Not the parser's message: it quotes the text around the fault, which may be part of a private key.
    throw new ConfigError(`Invalid configuration: ${variable} must name a readable file of JSON.`);
  }
  const result = keysFile.safeParse(parsed);
  if (!result.success) {
    throw new ConfigError(
      `Invalid configuration: ${variable} must hold {"keys": [...]} with Ed25519 private keys (kty OKP, d, kid, alg EdDSA).`,
    );
  }
  return result.data.keys as PrivateSigningJwk[];
}
