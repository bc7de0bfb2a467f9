import { useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { useSession } from '../session/session-context';
import { useLastTraceStore } from '../tracing/last-trace-context';
import { createGraphqlClient } from './graphql-client';

/**
 * Gives every component a GraphQL client that sends the current session's token, and keeps the trace id of
 * its last response for the developer footer.
 */
export function GraphqlProvider({ children }: { children: ReactNode }) {
  const accessToken = useSession().session?.accessToken ?? null;
  const lastTrace = useLastTraceStore();
  // A new client per token: its cache starts empty, so nothing cached for one user shows for another.
  const client = useMemo(() => createGraphqlClient(accessToken, { onTraceId: lastTrace.set }), [accessToken, lastTrace]);
  return <Provider value={client}>{children}</Provider>;
}
