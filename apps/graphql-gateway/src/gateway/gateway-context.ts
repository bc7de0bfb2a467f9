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
  /** The client's address, forwarded so that users-service throttles sign-ins per client, not per gateway. */
  clientAddress?: string;
}

/**
 * The context of one operation, over HTTP or WebSocket. A presented token is verified here, before the operation
 * is planned, so a bad or expired one is refused with UNAUTHENTICATED (a DomainError) and no subgraph or service
 * is called. No token means an anonymous caller: each subgraph and service decides what they may see, and
 * checks the token again.
 */
export async function gatewayContext(
  tokens: AccessTokens,
  requestId: string,
  authorization: string | undefined,
  clientAddress?: string,
): Promise<GatewayContext> {
  const caller = await tokens.fromAuthorization(authorization);
  return { requestId, ...(clientAddress ? { clientAddress } : {}), ...(authorization && caller ? { authorization, caller } : {}) };
}

/** Builds each HTTP request's context; a refused token is answered with HTTP 401. */
export function gatewayContextFactory(tokens: AccessTokens): (request: FastifyRequest) => Promise<GatewayContext> {
  return (request) => gatewayContext(tokens, request.id, request.headers.authorization, request.ip).catch(refuse);
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
