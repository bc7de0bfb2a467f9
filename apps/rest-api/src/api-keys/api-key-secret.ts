import { createHash, randomBytes } from 'node:crypto';

/** `triad_`, eight hex characters that identify the key in lists, `_`, then 256 random bits in base64url. */
const SECRET_PATTERN = /^triad_[0-9a-f]{8}_[\w-]{43}$/;

export interface NewApiKeySecret {
  /** What the client sends as `X-API-Key`; shown once, never stored. */
  secret: string;
  /** The secret's first part (`triad_ab12cd34`), stored and shown so people can tell their keys apart. */
  prefix: string;
  hash: string;
}

export function newApiKeySecret(): NewApiKeySecret {
  const prefix = `triad_${randomBytes(4).toString('hex')}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix, hash: hashApiKeySecret(secret) };
}

/**
 * What is stored of a secret, and what a presented key is looked up by. One SHA-256, not a slow KDF like the
 * passwords' scrypt: slowness protects secrets people choose, which can be guessed, whereas 256 random bits
 * cannot be found from their hash by guessing at any speed, and a fast hash keeps every request cheap.
 * Looking up by hash also makes the comparison constant-time in effect: how long the index search takes can
 * reveal only how much of a hash matched, and nobody can choose a secret whose hash starts a given way.
 */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** True when `value` has the shape of a key this API issues, so garbage is refused without a database query. */
export function isWellFormedApiKey(value: string): boolean {
  return SECRET_PATTERN.test(value);
}
