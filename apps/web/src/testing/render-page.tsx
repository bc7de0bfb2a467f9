import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { CombinedError, type Client, type OperationResult } from '@urql/core';
import { Provider } from 'urql';
import { concat, fromValue, never, type Source } from 'wonka';
import { CartProvider } from '../cart/cart-context';
import type { Session, SessionApi } from '../session/session-api';
import { SessionProvider } from '../session/session-context';

/** A signed-in customer, for pages that need one. */
export const ALICE: Session = {
  user: { id: 'u1', email: 'alice@triad.dev', name: 'Alice', role: 'customer' },
  expiresAt: '2099-01-01T00:00:00Z',
};

/** A stand-in for the gateway's /session that starts with `session` and signs in as anyone with any password. */
export function fakeSessions(session: Session | null = null): SessionApi {
  let current = session;
  return {
    current: async () => current,
    signIn: async (email) => (current = { ...ALICE, user: { ...ALICE.user, email } }),
    signOut: async () => {
      current = null;
    },
  };
}

/** What the fake gateway answers to one operation: data, an error, or a source the test pushes into. */
export type FakeAnswer = { data: unknown } | { error: CombinedError } | { source: Source<Partial<OperationResult>> } | 'pending';

type Answerer = (operationName: string, variables: Record<string, unknown>) => FakeAnswer;

/** Operations the fake gateway received, in order, for specs to assert on what was sent. */
export interface SentOperation {
  operationName: string;
  variables: Record<string, unknown>;
}

function operationNameOf(query: unknown): string {
  const definition = (query as { definitions: { name?: { value: string } }[] }).definitions[0];
  return definition?.name?.value ?? 'anonymous';
}

/**
 * A stand-in for the urql client that answers from the spec, as urql's testing guide recommends: pages run
 * their real queries, and the spec decides what the gateway says.
 */
export function fakeGateway(answer: Answerer) {
  const sent: SentOperation[] = [];
  const execute = (request: { query: unknown; variables: Record<string, unknown> }) => {
    const operationName = operationNameOf(request.query);
    sent.push({ operationName, variables: request.variables });
    const reply = answer(operationName, request.variables);
    if (reply === 'pending') return never;
    if ('source' in reply) return reply.source;
    // Like the real client's sources, stay open after the answer (urql reads completion as "no result").
    return concat([fromValue({ ...reply, stale: false, hasNext: false }), never]);
  };
  const client = { executeQuery: execute, executeMutation: execute, executeSubscription: execute } as unknown as Client;
  return { client, sent };
}

/** The network failing before any GraphQL response, as when the gateway is stopped. */
export const gatewayDown = () => ({ error: new CombinedError({ networkError: new TypeError('Failed to fetch') }) });

/** Renders the app's providers around `page` at `path`, with `routes` mapping further paths to what to show. */
export function renderPage(
  client: Client,
  {
    path,
    route,
    page,
    routes = {},
    session = null,
  }: { path: string; route: string; page: ReactNode; routes?: Record<string, ReactNode>; session?: Session | null },
) {
  return render(
    <SessionProvider api={fakeSessions(session)}>
      <Provider value={client}>
        <CartProvider>
          <MemoryRouter initialEntries={[path]}>
            <Routes>
              <Route path={route} element={page} />
              {Object.entries(routes).map(([other, element]) => (
                <Route key={other} path={other} element={element} />
              ))}
            </Routes>
          </MemoryRouter>
        </CartProvider>
      </Provider>
    </SessionProvider>,
  );
}
