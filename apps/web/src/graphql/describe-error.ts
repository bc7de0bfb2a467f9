import type { CombinedError } from '@urql/core';

export const GATEWAY_UNREACHABLE =
  'The Triad gateway is not reachable at /graphql: start it with npm start at the repository root, then try again.';

/** What went wrong, in words a person can act on. */
export function describeError(error: CombinedError): string {
  // No GraphQL response at all: the gateway is stopped, or something else answered (a proxy's 502 page).
  if (error.networkError) return GATEWAY_UNREACHABLE;
  const [first] = error.graphQLErrors;
  if (first?.extensions['code'] === 'UNAUTHENTICATED') return 'You are not logged in, or your session has ended: log in again.';
  // The gateway's messages are written for people (see the error table shared by every edge).
  return error.graphQLErrors.map((graphqlError) => graphqlError.message).join(' ') || error.message;
}
