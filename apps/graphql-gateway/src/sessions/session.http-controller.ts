import { Controller, Delete, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { DomainError, ERROR_TABLE, LOGGER, toGraphQLError } from '@triad/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BrowserSessions } from './browser-sessions.service.js';
import {
  crossSiteRefusal,
  isCrossSite,
  sessionCookieName,
  sessionCookieOptions,
  sessionSecretOf,
  sessionSecretsOf,
} from './session-cookie.js';

/** Where the web app signs in (POST), asks who is signed in (GET) and signs out (DELETE). */
export const SESSION_PATH = '/session';

/**
 * The web app's sign-in, as its backend-for-frontend: the browser sends the password here once and gets an
 * HttpOnly session cookie; it never sees a token. Answers are JSON, errors in the gateway's GraphQL error shape,
 * none cached. Sign-in and sign-out refuse other sites' pages, and take JSON only (the platform answers any other
 * body with a 415), so no form elsewhere can sign a visitor in or out.
 */
@Controller(SESSION_PATH)
export class SessionHttpController {
  constructor(
    private readonly sessions: BrowserSessions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answer(reply, async () => {
      if (isCrossSite(request.headers)) throw crossSiteRefusal();
      const { email, password } = credentialsOf(request.body);
      const { secret, ...session } = await this.sessions.start(email, password);
      // A new secret at every sign-in, and the sessions of the cookies the browser held before ended, only once the
      // new one exists: a wrong password does not sign anyone out, and a planted cookie signs no one in.
      await Promise.all(sessionSecretsOf(request.headers).map((previous) => this.endQuietly(previous)));
      void reply.setCookie(sessionCookieName(request), secret, sessionCookieOptions(request, session.expiresAt));
      return session;
    });
  }

  @Get()
  async current(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answer(reply, async () => {
      try {
        const secret = sessionSecretOf(request.headers);
        if (!secret) throw DomainError.unauthenticated('Not signed in.');
        const { authorization: _token, ...session } = await this.sessions.resume(secret);
        return session;
      } catch (error) {
        // The cookie of an ended session goes, so the app carries on as a visitor.
        if (error instanceof DomainError && error.kind === 'UNAUTHENTICATED')
          void reply.clearCookie(sessionCookieName(request), sessionCookieOptions(request));
        throw error;
      }
    });
  }

  @Delete()
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await answer(reply, async () => {
      if (isCrossSite(request.headers)) throw crossSiteRefusal();
      // Ended in users-service before the cookie goes: if that fails, the user sees it and can try again, rather
      // than believe signed out a session a copy of the cookie could still use.
      for (const secret of sessionSecretsOf(request.headers)) if (secret) await this.sessions.end(secret);
      void reply.clearCookie(sessionCookieName(request), sessionCookieOptions(request));
      return undefined;
    });
  }

  /** Ends a session the browser no longer needs; one that cannot be ended now expires on its own. */
  private async endQuietly(secret: string): Promise<void> {
    if (!secret) return;
    await this.sessions.end(secret).catch((error: unknown) => this.logger.warn({ err: error }, 'could not end a replaced session'));
  }
}

/** The email and password of a sign-in body, or INVALID_ARGUMENT naming what is missing. */
function credentialsOf(body: unknown): { email: string; password: string } {
  const { email, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const violations = [
    ...(typeof email === 'string' ? [] : [{ field: 'email', description: 'a string' }]),
    ...(typeof password === 'string' ? [] : [{ field: 'password', description: 'a string' }]),
  ];
  if (violations.length > 0) throw DomainError.invalidArgument('GATEWAY.INVALID_SIGN_IN', violations);
  return { email: email as string, password: password as string };
}

/**
 * Sends what `work` returns (204 when nothing), never cached, or its DomainError in the gateway's GraphQL error
 * shape with the status ERROR_TABLE gives (and Retry-After when it says how long to wait).
 */
async function answer(reply: FastifyReply, work: () => Promise<object | undefined>): Promise<void> {
  void reply.header('cache-control', 'no-store');
  try {
    const body = await work();
    await (body === undefined ? reply.status(204).send() : reply.status(200).send(body));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    await reply.status(ERROR_TABLE[error.kind].http).send({ errors: [toGraphQLError(error).toJSON()] });
  }
}
