import { createHash, randomBytes } from 'node:crypto';

/** A new secret for a machine to hold (an API key, an OAuth client's secret): `prefix`, then 256 random bits in base64url. */
export function newRandomSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * What is stored of a secret made by `newRandomSecret`, and what a presented one is compared by: its SHA-256 in
 * base64url. One fast hash, not a slow KDF like the passwords' scrypt: slowness protects secrets people choose,
 * which can be guessed, whereas 256 random bits cannot be found from their hash by guessing at any speed, and a
 * fast hash keeps every request cheap.
 */
export function hashRandomSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
