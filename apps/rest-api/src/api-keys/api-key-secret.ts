import { hashRandomSecret, newRandomSecret } from '@triad/platform';
import { randomBytes } from 'node:crypto';

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
  const secret = newRandomSecret(`${prefix}_`);
  return { secret, prefix, hash: hashApiKeySecret(secret) };
}

/**
 * What is stored of a secret, and what a presented key is looked up by (see `hashRandomSecret`). Looking up by
 * hash also makes the comparison constant-time in effect: how long the index search takes can reveal only how
 * much of a hash matched, and nobody can choose a secret whose hash starts a given way.
 */
export function hashApiKeySecret(secret: string): string {
  return hashRandomSecret(secret);
}

/** True when `value` has the shape of a key this API issues, so garbage is refused without a database query. */
export function isWellFormedApiKey(value: string): boolean {
  return SECRET_PATTERN.test(value);
}
