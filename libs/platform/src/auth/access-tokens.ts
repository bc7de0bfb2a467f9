import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { ConfigError, env } from '../config/config.js';
import { DomainError } from '../errors/domain-error.js';

/** Who is making a request, as proven by a verified access token. */
export interface Caller {
  userId: string;
  role: 'customer' | 'admin';
}

/** Configuration every process that signs or verifies tokens reads. */
export const accessTokenConfig = {
  NODE_ENV: env.nodeEnv(),
  JWT_SECRET: env.optionalString(),
  JWT_TTL_SECONDS: z.coerce
    .number({ error: 'a number of seconds' })
    .int()
    .positive({ error: 'a positive number of seconds' })
    .default(3600),
};

interface AccessTokenSettings {
  NODE_ENV: 'development' | 'test' | 'production';
  JWT_SECRET?: string | undefined;
  JWT_TTL_SECONDS: number;
}

/** The secret every process shares when none is configured; refused in production. */
const DEVELOPMENT_SECRET = 'triad-development-secret-do-not-use-in-production';
const ISSUER = 'triad-users-service';
const AUDIENCE = 'triad';
const claims = z.object({ sub: z.string().min(1), role: z.enum(['customer', 'admin']) });

/**
 * Signs and verifies Triad's access tokens (JWT, HS256). users-service signs; the edges and every service
 * verify, so a token forwarded in gRPC metadata is checked again where it is used.
 */
export class AccessTokens {
  private readonly key: Uint8Array;
  readonly ttlSeconds: number;

  constructor(settings: AccessTokenSettings) {
    const secret = settings.JWT_SECRET ?? (settings.NODE_ENV === 'production' ? undefined : DEVELOPMENT_SECRET);
    if (secret === undefined) throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV is production.');
    if (settings.NODE_ENV === 'production' && secret.length < 32) {
      throw new ConfigError('Invalid configuration: JWT_SECRET must be at least 32 characters when NODE_ENV is production.');
    }
    this.key = new TextEncoder().encode(secret);
    this.ttlSeconds = settings.JWT_TTL_SECONDS;
  }

  async sign(caller: Caller, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + this.ttlSeconds) * 1000);
    const token = await new SignJWT({ role: caller.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(caller.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Verifies a token and returns its caller; a bad or expired token is UNAUTHENTICATED with a reason. */
  async verify(token: string): Promise<Caller> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const parsed = claims.parse(payload);
      return { userId: parsed.sub, role: parsed.role };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw DomainError.unauthenticated('The access token has expired: sign in again.');
      throw DomainError.unauthenticated('The access token is not valid: sign in again.');
    }
  }

  /**
   * The caller behind an `Authorization` value, `undefined` when there is none. Anything but `Bearer <token>`
   * is refused rather than ignored, so a client never mistakes a malformed header for an anonymous call.
   */
  async fromAuthorization(value: string | undefined): Promise<Caller | undefined> {
    if (value === undefined || value === '') return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(value);
    if (!match?.[1]) throw DomainError.unauthenticated('The Authorization header must be "Bearer <access token>".');
    return this.verify(match[1]);
  }
}

/** Raises UNAUTHENTICATED unless there is a caller. */
export function requireCaller(caller: Caller | undefined): Caller {
  if (caller === undefined) throw DomainError.unauthenticated();
  return caller;
}

/** Raises UNAUTHENTICATED without a caller and PERMISSION_DENIED unless it is an admin; `action` completes "Only an admin can …". */
export function requireAdmin(caller: Caller | undefined, action: string): Caller {
  const admin = requireCaller(caller);
  if (admin.role !== 'admin') throw DomainError.permissionDenied(`Only an admin can ${action}.`);
  return admin;
}

/** True when the caller may see data that belongs to `ownerId`. */
export function canActFor(caller: Caller | undefined, ownerId: string): boolean {
  return caller !== undefined && (caller.role === 'admin' || caller.userId === ownerId);
}
