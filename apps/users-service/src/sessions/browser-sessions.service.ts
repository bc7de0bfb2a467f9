import { Injectable } from '@nestjs/common';
import { DomainError, hashRandomSecret, newRandomSecret, uuidv7 } from '@triad/platform';
import { AccessTokenIssuer, DELEGATED_TOKEN_TTL_SECONDS } from '../auth/access-token-issuer.service.js';
import { toView, UsersService, type UserView } from '../users/users.service.js';
import { BrowserSessionsRepository } from './browser-sessions.repository.js';

/**
 * How long a browser session lasts from sign-in. It is not extended by use: after this the user signs in
 * again. Ending it (signing out) takes effect at once.
 */
export const BROWSER_SESSION_TTL_SECONDS = 12 * 3600;

/** Marks a session secret, so a leaked one is recognised (in a log, in a scan for secrets) for what it is. */
const SECRET_PREFIX = 'triad_ss_';

/** What a session secret looks like (the prefix, then 256 random bits); nothing else is looked up. */
const SECRET_PATTERN = /^triad_ss_[A-Za-z0-9_-]{43}$/;

export interface StartedSession {
  secret: string;
  expiresAt: Date;
  user: UserView;
}

export interface ResumedSession {
  accessToken: string;
  accessTokenExpiresAt: Date;
  expiresAt: Date;
  user: UserView;
}

/**
 * Browser sessions for the gateway, the web app's backend-for-frontend. The secret exists only in the
 * browser's HttpOnly cookie and in the gateway's memory while it serves a request; the database keeps its
 * SHA-256, so a copy of the table signs nobody in. Each request resumes the session, which reads it and its
 * user once and issues a short-lived token with the user's current role: a role taken away, an account
 * deleted, or a session ended counts from the next request, on every gateway replica.
 */
@Injectable()
export class BrowserSessionsService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: BrowserSessionsRepository,
    private readonly tokens: AccessTokenIssuer,
  ) {}

  /** Checks the password, with the sign-in throttle, as every sign-in does, and starts a session. */
  async start(email: string, password: string): Promise<StartedSession> {
    const user = await this.users.checkPassword(email, password);
    const secret = newRandomSecret(SECRET_PREFIX);
    const expiresAt = new Date(Date.now() + BROWSER_SESSION_TTL_SECONDS * 1000);
    await this.sessions.insert({ id: uuidv7(), secretHash: hashRandomSecret(secret), userId: user.id, expiresAt });
    return { secret, expiresAt, user: toView(user, { userId: user.id, role: user.role }) };
  }

  async resume(secret: string): Promise<ResumedSession> {
    const session = SECRET_PATTERN.test(secret) ? await this.sessions.findLive(hashRandomSecret(secret)) : undefined;
    if (!session) throw sessionEnded();
    const { user, expiresAt } = session;
    // No longer than the session itself.
    const ttl = Math.min(DELEGATED_TOKEN_TTL_SECONDS, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    if (ttl < 1) throw sessionEnded();
    const token = await this.tokens.issue({ userId: user.id, role: user.role }, ttl);
    return {
      accessToken: token.token,
      accessTokenExpiresAt: token.expiresAt,
      expiresAt,
      user: toView(user, { userId: user.id, role: user.role }),
    };
  }

  /** Ends the session; one that has already ended, or never existed, is no error. */
  async end(secret: string): Promise<void> {
    if (SECRET_PATTERN.test(secret)) await this.sessions.delete(hashRandomSecret(secret));
  }
}

function sessionEnded(): DomainError {
  return DomainError.unauthenticated('The session has ended or expired: sign in again.');
}
