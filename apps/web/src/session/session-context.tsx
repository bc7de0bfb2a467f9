import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { gatewaySessionApi, type Session, type SessionApi } from './session-api';

interface SessionContextValue {
  session: Session | null;
  /** Why the gateway could not say who is signed in (it is unreachable): the session may well be live still. */
  problem: Error | null;
  /** True until the gateway has said whether the browser's cookie stands for a session. */
  checking: boolean;
  /** Signs in; rejects with a SessionError whose message says why not. */
  logIn(email: string, password: string): Promise<void>;
  logOut(): Promise<void>;
  /**
   * Asks the gateway again who is signed in, after it answered 401: the session has ended (signed out in another
   * tab, expired). Its answer also clears the cookie of an ended session, so the app goes on as a visitor.
   */
  recheck(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/**
 * Who is signed in. The session itself lives in the gateway, behind an HttpOnly cookie that no script here can
 * read: this only mirrors what /session answers, asked once at start and after each sign-in and sign-out.
 */
export function SessionProvider({ children, api = gatewaySessionApi }: { children: ReactNode; api?: SessionApi }) {
  const [session, setSession] = useState<Session | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [checking, setChecking] = useState(true);

  // Only the gateway's "not signed in" signs the app out; a failure to ask is shown as what it is.
  const answered = useCallback((found: Session | null) => {
    setSession(found);
    setProblem(null);
  }, []);
  const failed = useCallback((error: unknown) => setProblem(error instanceof Error ? error : new Error(String(error))), []);

  useEffect(() => {
    let current = true;
    void api
      .current()
      .then(
        (found) => current && answered(found),
        (error: unknown) => current && failed(error),
      )
      .finally(() => {
        if (current) setChecking(false);
      });
    return () => {
      current = false;
    };
  }, [api, answered, failed]);

  const recheck = useCallback(() => void api.current().then(answered, failed), [api, answered, failed]);
  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      problem,
      checking,
      async logIn(email, password) {
        setSession(await api.signIn(email, password));
        setProblem(null);
      },
      async logOut() {
        await api.signOut();
        setSession(null);
      },
      recheck,
    }),
    [api, session, problem, checking, recheck],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
