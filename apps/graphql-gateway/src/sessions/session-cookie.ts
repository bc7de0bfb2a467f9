import type { CookieSerializeOptions } from '@fastify/cookie';
import { DomainError } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { BrowserSessions } from './browser-sessions.service.js';

/**
 * The cookie that holds a browser session's secret, and nothing else. Over HTTPS it is `__Host-` prefixed, which
 * browsers accept only from this host, Secure, on `/` and with no Domain: a page on a sibling subdomain cannot
 * plant one of its own.
 */
const SESSION_COOKIE = 'triad_session';
const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The cookie's name for a request over HTTP or HTTPS (directly, or through a proxy named in TRUSTED_PROXIES). */
export function sessionCookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * How the session cookie is set: out of JavaScript's reach (HttpOnly); sent only with requests from the gateway's
 * own pages (SameSite=Strict), so another site can neither use nor learn it; over HTTPS only whenever the
 * request came over HTTPS; for the whole site, and no longer than the session.
 */
export function sessionCookieOptions(request: FastifyRequest, expiresAt?: string): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    ...(expiresAt ? { expires: new Date(expiresAt) } : {}),
  };
}

/**
 * Every session secret the Cookie header carries, under either name, in order, empty ones included. Read here
 * rather than by a cookie parser, which keeps the first of two cookies of one name and drops the other: a second
 * one is what a cookie planted beside the real one (by a sibling subdomain, for a narrower path) looks like.
 */
export function sessionSecretsOf(headers: IncomingHttpHeaders): string[] {
  return (headers.cookie ?? '').split(';').flatMap((pair) => {
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    return at > 0 && (name === SESSION_COOKIE || name === SECURE_SESSION_COOKIE) ? [pair.slice(at + 1).trim()] : [];
  });
}

/**
 * The request's session secret: none without a session cookie (or with an empty one), UNAUTHENTICATED with more
 * than one, since which of them the user means cannot be known.
 */
export function sessionSecretOf(headers: IncomingHttpHeaders): string | undefined {
  const secrets = sessionSecretsOf(headers);
  if (secrets.length > 1) throw DomainError.unauthenticated('The request carries more than one session cookie: sign in again.');
  return secrets[0] || undefined;
}

/**
 * Whether a browser sent the request from another site's page: its `Origin` names a host other than the one the
 * request is for. Browsers send Origin with every cross-origin request, every POST and every WebSocket upgrade,
 * so a page elsewhere cannot hide it; requests with no Origin (a same-origin GET, a non-browser client) are not
 * cross-site.
 */
export function isCrossSite(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== headers.host;
  } catch {
    // `Origin: null` (a sandboxed frame, a file) is nobody's page here.
    return true;
  }
}

/** The refusal of a request that carries the session cookie, or signs in or out, from another site's page. */
export function crossSiteRefusal(): DomainError {
  return new DomainError(
    'PERMISSION_DENIED',
    'GATEWAY.CROSS_SITE_REQUEST',
    'Requests from other sites cannot use the session: sign in on this site.',
  );
}

/**
 * The `Authorization` a request's session stands for: none without a session cookie, the session's token
 * otherwise. A session cookie sent from another site's page is refused outright (SameSite=Strict already keeps
 * browsers from sending it; this is the second lock), and an ended session is UNAUTHENTICATED.
 */
export async function sessionAuthorization(sessions: BrowserSessions, headers: IncomingHttpHeaders): Promise<string | undefined> {
  const secret = sessionSecretOf(headers);
  if (secret === undefined) return undefined;
  if (isCrossSite(headers)) throw crossSiteRefusal();
  return (await sessions.resume(secret)).authorization;
}
