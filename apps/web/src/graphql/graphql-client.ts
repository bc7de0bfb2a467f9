import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWebSocketClient } from 'graphql-ws';
import { TRACEPARENT_HEADER, traceIdFromTraceparent } from '../tracing/traceparent';

/** The gateway serves this app, so `/graphql` is on the same origin (in development, Vite forwards it). */
export const GRAPHQL_PATH = '/graphql';

function webSocketUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

export interface GraphqlClientOptions {
  /** Told the trace id of each HTTP response, from its `traceparent` header (WebSocket messages carry none). */
  onTraceId?: (traceId: string) => void;
  /** Told when the gateway answers 401: the session has ended (signed out elsewhere, or expired). */
  onUnauthenticated?: () => void;
}

/**
 * A GraphQL client for one signed-in (or anonymous) user: queries and mutations over HTTP POST, subscriptions
 * over graphql-ws on the same path. It holds no credential: the browser sends the gateway's HttpOnly session
 * cookie with each request and with the WebSocket's upgrade, both same-origin. Make a new one when the user
 * changes, so one user's cached results never show for the next.
 */
export function createGraphqlClient({ onTraceId, onUnauthenticated }: GraphqlClientOptions = {}): Client {
  // Lazy: the socket opens with the first subscription and closes after the last, so a client that is
  // replaced at log-in or log-out holds nothing open. Two retries keep a failed socket from hiding for long.
  const webSocket = createWebSocketClient({ url: webSocketUrl, lazy: true, retryAttempts: 2 });

  return new Client({
    url: GRAPHQL_PATH,
    // POST for queries too: Apollo Server's CSRF prevention refuses simple GET requests.
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin' },
    // Errors included: a failed request's trace is the one most worth finding.
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      const traceId = traceIdFromTraceparent(response.headers.get(TRACEPARENT_HEADER));
      if (traceId) onTraceId?.(traceId);
      if (response.status === 401) onUnauthenticated?.();
      return response;
    },
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const operation = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              return { unsubscribe: webSocket.subscribe(operation, sink) };
            },
          };
        },
      }),
    ],
  });
}
