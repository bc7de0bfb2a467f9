import type { LoginMutation } from '../generated/graphql';

/** A signed-in user as the gateway's `login` returned it. */
export type Session = LoginMutation['login'];

// sessionStorage, not localStorage: the token survives a reload of this tab but not the closing of it, and
// other tabs do not share it.
const STORAGE_KEY = 'triad.session';

/** The stored session, or null when there is none or it has expired. */
export function loadSession(storage: Storage = window.sessionStorage): Session | null {
  try {
    const session = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    if (!session?.accessToken || Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = window.sessionStorage): void {
  if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
  else storage.removeItem(STORAGE_KEY);
}
