import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { env } from '../config/config.js';
import { DomainError } from '../errors/domain-error.js';

/** Who is making a request, as proven by a verified access token. */
export interface Caller {
  userId: string;
  role: 'customer' | 'admin';
  /**
   * For a client acting for the user (an OAuth 2.0 access token): the client, and the scopes the user granted
   * it, which limit what it may do (see `requireScope`). Absent for the user's own tokens.
   */
  clientId?: string;
  scopes?: readonly string[];
}

/** A service calling another, as proven by an access token from the client-credentials grant. */
export interface ServiceCaller {
  /** The OAuth client id of the calling service, e.g. `orders-service`. */
  clientId: string;
  scopes: readonly string[];
}

/** Where users-service serves its authorization server and its public keys, on its HTTP port. */
export const AUTH_PATHS = {
  /** The public keys every verifier fetches. */
  jwks: '/.well-known/jwks.json',
  /** oidc-provider's endpoints live below this. */
  authorizationServer: '/oidc',
  /** The token endpoint, where services use the client-credentials grant. */
  token: '/oidc/token',
} as const;

/** The audience of user access tokens (an RFC 8707 resource indicator): every Triad API. */
export const USER_TOKEN_AUDIENCE = 'urn:triad:api';
/** The signature algorithm of every Triad token (Ed25519). */
export const TOKEN_ALGORITHM = 'EdDSA';
/** The audience (RFC 8707 resource indicator) of service tokens meant for `service`. */
export function serviceAudience(service: string): string {
  return `urn:triad:${service}`;
}

/** Configuration every process that verifies tokens reads. */
export const accessTokenConfig = {
  /**
   * The `iss` of every token: users-service's authorization server, as clients reach it (through the REST
   * edge's public address). An identifier, compared, never fetched.
   */
  AUTH_ISSUER: env.url('http://localhost:3000/oidc'),
  /** Where this process reaches users-service's HTTP port: its JWKS and token endpoint are under it. */
  AUTH_SERVER_URL: env.url('http://localhost:4001'),
};

interface AccessTokenSettings {
  AUTH_ISSUER: string;
  AUTH_SERVER_URL: string;
}

const userClaims = z.object({
  sub: z.string().min(1).max(128),
  role: z.enum(['customer', 'admin']),
  client_id: z.string().min(1).max(128).optional(),
  scope: z.string().max(1000).optional(),
});
const serviceClaims = z.object({ client_id: z.string().min(1).max(128), scope: z.string().max(1000).optional() });

/**
 * Verifies Triad's access tokens: JWTs (RFC 9068, `typ: at+jwt`) that users-service signs with a private key
 * only it holds. Every other process fetches the public keys from its JWKS (`/.well-known/jwks.json`) and
 * caches them for a minute; a token signed with a key it has not seen makes it fetch again (at most every few
 * seconds), so a key rotation needs no restart here. A token forwarded in gRPC metadata is checked again
 * in every process it reaches.
 *
 * Within a process, a token is checked once: a client sends the same token with every request, and a request
 * meets several checks (rate limit, then guard). A verified token's claims are kept for at most
 * `VERIFIED_TOKEN_TTL_MS` and never past its `exp`; nothing about a token that failed is kept.
 */
export class AccessTokens {
  private readonly keys: JWTVerifyGetKey;
  private readonly issuer: string;
  private readonly verifiedTokens = new LRUCache<string, Record<string, unknown>>({ max: VERIFIED_TOKENS_KEPT });

  constructor(settings: AccessTokenSettings);
  constructor(settings: { keys: JWTVerifyGetKey; issuer: string });
  constructor(settings: AccessTokenSettings | { keys: JWTVerifyGetKey; issuer: string }) {
    if ('keys' in settings) {
      this.keys = settings.keys;
      this.issuer = settings.issuer;
    } else {
      this.keys = createRemoteJWKSet(new URL(AUTH_PATHS.jwks, settings.AUTH_SERVER_URL), {
        cooldownDuration: 5_000,
        // Fetched again at least once a minute, so a key withdrawn from users-service stops verifying here soon.
        cacheMaxAge: 60_000,
        timeoutDuration: 3_000,
      });
      this.issuer = settings.AUTH_ISSUER;
    }
  }

  /** A verifier with the keys at hand: users-service, which holds them, checks its own tokens without a fetch. */
  static withKeys(jwks: JSONWebKeySet, issuer: string): AccessTokens {
    return new AccessTokens({ keys: createLocalJWKSet(jwks), issuer });
  }

  /** Verifies a user's token and returns its caller; a bad or expired token is UNAUTHENTICATED with a reason. */
  async verify(token: string): Promise<Caller> {
    const payload = await this.verified(token, USER_TOKEN_AUDIENCE);
    const parsed = userClaims.safeParse(payload);
    // A service token has no role: it is never a user's, even for an audience that would accept it. A token a
    // client got for a user names the client and carries the scopes the user granted it (none is none at all).
    // A client's token for itself (client credentials) has the client as its subject: it is no user's either.
    if (!parsed.success || parsed.data.sub === parsed.data.client_id) {
      throw DomainError.unauthenticated('The access token is not valid: sign in again.');
    }
    const { sub, role, client_id: clientId, scope } = parsed.data;
    if (clientId === undefined) return { userId: sub, role };
    return { userId: sub, role, clientId, scopes: (scope ?? '').split(' ').filter(Boolean) };
  }

  /** Verifies a service token meant for `audience` (see `serviceAudience`). */
  async verifyService(token: string, audience: string): Promise<ServiceCaller> {
    const parsed = serviceClaims.safeParse(await this.verified(token, audience));
    if (!parsed.success) throw DomainError.unauthenticated('The service token is not valid.');
    return { clientId: parsed.data.client_id, scopes: (parsed.data.scope ?? '').split(' ').filter(Boolean) };
  }

  /**
   * The caller behind an `Authorization` value, `undefined` when there is none. Anything but `Bearer <token>`
   * is refused rather than ignored, so a client never mistakes a malformed header for an anonymous call.
   */
  async fromAuthorization(value: string | undefined): Promise<Caller | undefined> {
    if (value === undefined || value === '') return undefined;
    const token = bearerToken(value);
    if (token === undefined) throw DomainError.unauthenticated('The Authorization header must be "Bearer <access token>".');
    return this.verify(token);
  }

  private async verified(token: string, audience: string): Promise<Record<string, unknown>> {
    if (token.length > MAX_TOKEN_LENGTH) throw DomainError.unauthenticated('The access token is not valid: sign in again.');
    const cacheKey = `${audience} ${token}`;
    const known = this.verifiedTokens.get(cacheKey);
    // Expiry by the wall clock, as jose checks it: the cache's own timer runs on a monotonic clock.
    if (known && Number(known['exp']) * 1000 > Date.now()) return known;
    const payload = await this.verifiedNow(token, audience);
    const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, Number(payload['exp']) * 1000 - Date.now());
    if (ttl > 0) this.verifiedTokens.set(cacheKey, payload, { ttl });
    return payload;
  }

  private async verifiedNow(token: string, audience: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience,
        typ: 'at+jwt',
        algorithms: [TOKEN_ALGORITHM],
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw DomainError.unauthenticated('The access token has expired: sign in again.');
      if (error instanceof joseErrors.JWKSTimeout || isUnreachable(error)) {
        throw new DomainError('UNAVAILABLE', 'AUTH.KEYS_UNAVAILABLE', 'Access tokens cannot be checked right now; try again shortly.');
      }
      throw DomainError.unauthenticated('The access token is not valid: sign in again.');
    }
  }
}

/**
 * How long a verified token is taken as verified without checking its signature again. With the JWKS fetched
 * again every minute, a key withdrawn from users-service stops working everywhere within two minutes (an
 * expired token stops at its `exp`, as before).
 */
export const VERIFIED_TOKEN_TTL_MS = 60_000;
/** Verified tokens kept per process, the least recently used forgotten first: about 1 KB each. */
const VERIFIED_TOKENS_KEPT = 10_000;

/** Longer than any token Triad issues; a larger header is refused before any parsing. */
const MAX_TOKEN_LENGTH = 4096;

/** The token of a `Bearer <token>` header value, `undefined` for anything else. */
export function bearerToken(value: string): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(value)?.[1];
}

function isUnreachable(error: unknown): boolean {
  // jose reports a JWKS it could not fetch as a plain fetch error (ECONNREFUSED, DNS) or a non-200 JOSEError.
  return error instanceof TypeError || (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
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

/**
 * True when the caller may see data that belongs to `ownerId`: its owner, or an admin themselves. A client acting
 * for an admin (a scoped token) acts for that admin's own data only: no scope grants power over other users.
 */
export function canActFor(caller: Caller | undefined, ownerId: string): boolean {
  return caller !== undefined && (caller.userId === ownerId || (caller.role === 'admin' && caller.scopes === undefined));
}
