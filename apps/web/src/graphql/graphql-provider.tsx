import { useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { useSession } from '../session/session-context';
import { createGraphqlClient } from './graphql-client';

/** Gives every component a GraphQL client that sends the current session's token. */
export function GraphqlProvider({ children }: { children: ReactNode }) {
  const accessToken = useSession().session?.accessToken ?? null;
  // A new client per token: its cache starts empty, so nothing cached for one user shows for another.
  const client = useMemo(() => createGraphqlClient(accessToken), [accessToken]);
  return <Provider value={client}>{children}</Provider>;
}
