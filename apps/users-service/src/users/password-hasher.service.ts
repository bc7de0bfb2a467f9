import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

function deriveKey(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Hashes passwords with scrypt, a memory-hard KDF in Node's own crypto. The cost parameters are stored in
 * each hash (`scrypt$N$r$p$salt$key`), so raising the cost later keeps old hashes verifiable.
 */
@Injectable()
export class PasswordHasher {
  constructor(private readonly cost = 2 ** 15) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const options = { N: this.cost, r: 8, p: 1, maxmem: 256 * this.cost * 8 };
    const key = await deriveKey(password, salt, options);
    return ['scrypt', options.N, options.r, options.p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const N = Number(n);
    const expected = Buffer.from(key, 'base64');
    const actual = await deriveKey(password, Buffer.from(salt, 'base64'), { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
