import type { FastifyRequest } from 'fastify';
import type { AccessTokens, Caller } from '../auth/access-tokens.js';
import { requireCaller } from '../auth/access-tokens.js';

/** The context every Triad GraphQL resolver receives. */
export interface GraphQLContext {
  requestId: string;
  /** The verified caller, `undefined` for an anonymous request; rejects when the token sent is invalid. */
  caller(): Promise<Caller | undefined>;
  /** The verified caller, or UNAUTHENTICATED. */
  requireCaller(): Promise<Caller>;
}

/**
 * Builds the per-request GraphQL context. The token is verified on first use, so an operation that needs no
 * identity is not refused because of one, and an operation that needs it gets UNAUTHENTICATED with a reason.
 */
export function graphQLContextFactory(tokens: AccessTokens): (request: FastifyRequest) => GraphQLContext {
  return (request) => {
    let verified: Promise<Caller | undefined> | undefined;
    const caller = () => (verified ??= tokens.fromAuthorization(request.headers.authorization));
    return { requestId: request.id, caller, requireCaller: async () => requireCaller(await caller()) };
  };
}
