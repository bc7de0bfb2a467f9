import { Inject, Injectable } from '@nestjs/common';
import { SESSIONS_SERVICE_NAME, UserRole, type SessionsServiceClient, type User } from '@triad/contracts/users/v1';
import { fromGrpcError, fromTimestamp, grpcClient } from '@triad/platform';
import { firstValueFrom, type Observable } from 'rxjs';

/** The signed-in user as the web app sees it. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
}

export interface SessionView {
  user: SessionUser;
  /** ISO 8601: when the session ends unless the user signs out before. */
  expiresAt: string;
}

/**
 * The browser sessions users-service keeps (SessionsService), as the gateway uses them: it starts one at
 * sign-in and keeps its secret in the browser's HttpOnly cookie; on every request with that cookie it resumes
 * the session into a short-lived access token for the subgraphs, so the browser never holds a token and the
 * gateway none beyond the request; sign-out ends it for every replica at once.
 */
@Injectable()
export class BrowserSessions {
  constructor(@Inject(grpcClient('users-service', SESSIONS_SERVICE_NAME)) private readonly sessions: SessionsServiceClient) {}

  async start(email: string, password: string): Promise<SessionView & { secret: string }> {
    const started = await settle(this.sessions.startSession({ email, password }));
    return { secret: started.sessionSecret, ...view(started.user, started.expireTime) };
  }

  /** The `Authorization` to send the subgraphs for this session, and who it is; UNAUTHENTICATED once it has ended. */
  async resume(secret: string): Promise<SessionView & { authorization: string }> {
    const resumed = await settle(this.sessions.resumeSession({ sessionSecret: secret }));
    return { authorization: `Bearer ${resumed.accessToken}`, ...view(resumed.user, resumed.expireTime) };
  }

  async end(secret: string): Promise<void> {
    await settle(this.sessions.endSession({ sessionSecret: secret }));
  }
}

/** The call's answer, or the DomainError users-service raised. */
function settle<T>(call: Observable<T>): Promise<T> {
  return firstValueFrom(call).catch((error: unknown) => {
    throw fromGrpcError(error);
  });
}

function view(user: User | undefined, expireTime: Parameters<typeof fromTimestamp>[0]): SessionView {
  if (!user) throw new Error('users-service answered a session without its user');
  return {
    user: { id: user.id, email: user.email ?? '', name: user.name, role: user.role === UserRole.USER_ROLE_ADMIN ? 'admin' : 'customer' },
    expiresAt: (fromTimestamp(expireTime) ?? new Date()).toISOString(),
  };
}
