import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { loadSession, saveSession, type Session } from './session-store';

interface SessionContextValue {
  session: Session | null;
  logIn(session: Session): void;
  logOut(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Holds the signed-in session in memory, mirrored to sessionStorage so a reload keeps it. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState(() => loadSession());

  const value = useMemo<SessionContextValue>(
    () => ({
      session,
      logIn(next) {
        saveSession(next);
        setSession(next);
      },
      logOut() {
        saveSession(null);
        setSession(null);
      },
    }),
    [session],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
