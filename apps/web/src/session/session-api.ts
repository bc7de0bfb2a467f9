import { GATEWAY_UNREACHABLE } from '../graphql/describe-error';

/** Where the gateway, the app's backend-for-frontend, keeps the signed-in session (HttpOnly cookie). */
export const SESSION_PATH = '/session';

/** Who is signed in, as the gateway says; the app never holds a token. */
export interface Session {
  user: { id: string; email: string; name: string; role: 'customer' | 'admin' };
  /** ISO 8601: when the gateway ends the session unless the user signs out before. */
  expiresAt: string;
}

/** The gateway's sessions, as the app uses them; specs pass a stand-in. */
export interface SessionApi {
  /** The session the browser's cookie stands for, or null when signed out; fails when the gateway cannot say. */
  current(): Promise<Session | null>;
  /** Signs in; the gateway sets the cookie. Fails with a message a person can act on. */
  signIn(email: string, password: string): Promise<Session>;
  /** Ends the session in the gateway, so a copy of the cookie stops working too. */
  signOut(): Promise<void>;
}

/** The gateway's refusal, in words for the person signing in. */
export class SessionError extends Error {}

/**
 * /session on the app's own origin. The cookie travels by itself (same origin, `credentials: 'same-origin'`);
 * sign-in and sign-out send JSON, which the gateway requires, so no other site's form can do either.
 */
export const gatewaySessionApi: SessionApi = {
  async current() {
    const response = await call('GET');
    if (response.status === 401) return null;
    return (await answerOf(response)) as Session;
  },
  async signIn(email, password) {
    return (await answerOf(await call('POST', { email, password }))) as Session;
  },
  async signOut() {
    await answerOf(await call('DELETE'));
  },
};

async function call(method: 'GET' | 'POST' | 'DELETE', body?: object): Promise<Response> {
  try {
    return await fetch(SESSION_PATH, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'content-type': 'application/json' } : {},
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new SessionError(GATEWAY_UNREACHABLE);
  }
}

/** The JSON of a successful answer (undefined for 204), or the gateway's message as a SessionError. */
async function answerOf(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const body = (await response.json().catch(() => undefined)) as { errors?: { message?: string }[] } | undefined;
  if (response.ok && body) return body;
  throw new SessionError(body?.errors?.[0]?.message ?? GATEWAY_UNREACHABLE);
}
