import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Apollo Gateway cannot execute a subscription, and would answer one sent over HTTP with an internal error:
 * say instead where subscriptions are served.
 */
export function subscriptionsOverHttpPlugin(path: string): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(
            `Subscriptions are served over WebSocket: connect to ${path} with the graphql-transport-ws protocol (the graphql-ws library).`,
            { extensions: { code: 'BAD_REQUEST', errorCode: 'GATEWAY.SUBSCRIPTION_OVER_HTTP', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
