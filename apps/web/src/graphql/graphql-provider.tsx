import { useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { useSession } from '../session/session-context';
import { useLastTraceStore } from '../tracing/last-trace-context';
import { createGraphqlClient } from './graphql-client';

/**
 * Gives every component a GraphQL client for the signed-in user (the session cookie goes with each request),
 * keeps the trace id of its last response for the developer footer, and learns when the gateway has ended the
 * session.
 */
export function GraphqlProvider({ children }: { children: ReactNode }) {
  const { session, checking, recheck } = useSession();
  const userId = session?.user.id ?? null;
  const lastTrace = useLastTraceStore();
  // A new client whenever the user changes (the cookie, not the client, says who it is): its cache starts
  // empty, so nothing cached for one user shows for another.
  const client = useMemo(
    () => createGraphqlClient({ onTraceId: lastTrace.set, onUnauthenticated: recheck }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- userId is why a new client is made, not an input to it
    [userId, lastTrace, recheck],
  );
  // Pages wait the moment it takes to learn who is signed in, rather than query once as nobody and again as them.
  if (checking) return null;
  return <Provider value={client}>{children}</Provider>;
}
