import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { randomUUID } from 'node:crypto';
import { TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE, type Caller } from './access-tokens.js';

/** A private signing key as JWK, with the `kid` its tokens name and the algorithm it signs with. */
export interface PrivateSigningJwk extends JWK {
  kid: string;
  alg: typeof TOKEN_ALGORITHM;
  d: string;
}

/** A new Ed25519 key pair as a private JWK, its `kid` the key's RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<PrivateSigningJwk> {
  const { privateKey } = await generateKeyPair(TOKEN_ALGORITHM, { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: TOKEN_ALGORITHM, use: 'sig', d: jwk.d ?? '' };
}

/** The public half of signing keys, as a JWKS document serves them: never `d`. */
export function publicJwks(keys: readonly PrivateSigningJwk[]): { keys: JWK[] } {
  return { keys: keys.map(({ kty, crv, x, kid, alg }) => ({ kty, crv, x, kid, alg, use: 'sig' })) };
}

/**
 * Signs user access tokens (RFC 9068 JWTs) with the first of a set of keys; the others stay published only so
 * that tokens they signed keep verifying until they expire (a rotation's overlap).
 */
export class UserTokenSigner {
  private constructor(
    private readonly key: Awaited<ReturnType<typeof importJWK>>,
    private readonly kid: string,
    private readonly issuer: string,
  ) {}

  static async create(keys: readonly PrivateSigningJwk[], issuer: string): Promise<UserTokenSigner> {
    const [current] = keys;
    if (!current) throw new Error('At least one signing key is needed to sign tokens.');
    return new UserTokenSigner(await importJWK(current, TOKEN_ALGORITHM), current.kid, issuer);
  }

  async sign(caller: Caller, ttlSeconds: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
    const token = await new SignJWT({ role: caller.role })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'at+jwt', kid: this.kid })
      .setSubject(caller.userId)
      .setIssuer(this.issuer)
      .setAudience(USER_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresAt };
  }
}
