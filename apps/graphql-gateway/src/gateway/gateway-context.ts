import { HeaderMap } from '@apollo/server';
import { AccessTokens, DomainError, ERROR_TABLE, toGraphQLError, type Caller } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';

/** What one gateway request carries to the subgraphs it calls. */
export interface GatewayContext {
  requestId: string;
  /** The caller's `Authorization` header, forwarded as received once its token has been verified. */
  authorization?: string;
  caller?: Caller;
}

/**
 * Builds each request's context. A presented token is verified here, before the operation is planned, so a bad
 * or expired one is refused with UNAUTHENTICATED (HTTP 401) and no subgraph is called. No token means an
 * anonymous request: each subgraph decides what an anonymous caller may see, and checks the token again.
 */
export function gatewayContextFactory(tokens: AccessTokens): (request: FastifyRequest) => Promise<GatewayContext> {
  return async (request) => {
    const authorization = request.headers.authorization;
    const caller = await tokens.fromAuthorization(authorization).catch(refuse);
    return { requestId: request.id, ...(authorization && caller ? { authorization, caller } : {}) };
  };
}

/** The error Apollo Server sends when building the context fails; its `extensions.http` sets the response. */
function refuse(error: unknown): never {
  if (!(error instanceof DomainError)) throw error;
  const { message, extensions } = toGraphQLError(error);
  const http = {
    status: ERROR_TABLE[error.kind].http,
    // RFC 6750: a 401 names the scheme the client should use.
    headers: new HeaderMap([['www-authenticate', 'Bearer error="invalid_token"']]),
  };
  throw new GraphQLError(message, { extensions: { ...extensions, http } });
}
