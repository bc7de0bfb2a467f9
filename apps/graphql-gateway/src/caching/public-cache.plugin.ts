import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../gateway/gateway-context.js';

/**
 * Lets shared caches (a CDN, a proxy) keep GET responses that are the same for everyone: those to requests
 * from nobody (no bearer token, no session cookie) that succeeded. Persisted queries are what make such GETs
 * practical, since the URL then carries a hash instead of the whole query. Every other GET is `no-store`; POSTs
 * get no header. `Vary: Authorization, Cookie` keeps a cache from answering a signed-in request with an
 * anonymous response.
 */
export function publicCachePlugin(maxAgeSeconds: number): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, contextValue }) {
          if (request.http?.method !== 'GET') return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const anonymous = contextValue.caller === undefined && !request.http.headers.get('authorization');
          const succeeded = body !== undefined && !body.errors?.length && (response.http.status ?? 200) === 200;
          if (anonymous && succeeded) {
            response.http.headers.set('cache-control', `public, max-age=${maxAgeSeconds}`);
            const vary = response.http.headers.get('vary');
            response.http.headers.set('vary', vary ? `${vary}, Authorization, Cookie` : 'Authorization, Cookie');
          } else if (!response.http.headers.has('cache-control')) {
            response.http.headers.set('cache-control', 'no-store');
          }
        },
      };
    },
  };
}
