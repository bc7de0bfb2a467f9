import { HeaderMap } from '@apollo/server';
import { AccessTokens, DomainError, ERROR_TABLE, toGraphQLError, type Caller } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import type { BrowserSessions } from '../sessions/browser-sessions.service.js';
import { sessionAuthorization } from '../sessions/session-cookie.js';

/** What one gateway request carries to the subgraphs it calls. */
export interface GatewayContext {
  requestId: string;
  /** The caller's `Authorization` header, forwarded as received once its token has been verified. */
  authorization?: string;
  caller?: Caller;
  /** The client's address, forwarded so that users-service throttles sign-ins per client, not per gateway. */
  clientAddress?: string;
  /**
   * For a subscription opened with the web app's session: the context of its next event, with a token resumed
   * from the session afresh, so the subscription outlives each short-lived token and fails (UNAUTHENTICATED) at
   * its next event once the session has ended.
   */
  renew?: () => Promise<GatewayContext>;
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

/**
 * Builds each HTTP request's context, for a bearer token or, without one, the web app's session cookie (whose
 * session becomes a token here); a refused token or session is answered with HTTP 401, a session cookie from
 * another site's page with 403.
 */
export function gatewayContextFactory(
  tokens: AccessTokens,
  sessions: BrowserSessions,
): (request: FastifyRequest) => Promise<GatewayContext> {
  return async (request) => {
    try {
      const authorization = request.headers.authorization ?? (await sessionAuthorization(sessions, request.headers));
      return await gatewayContext(tokens, request.id, authorization, request.ip);
    } catch (error) {
      return refuse(error);
    }
  };
}

/** The error Apollo Server sends when building the context fails; its `extensions.http` sets the response. */
function refuse(error: unknown): never {
  if (!(error instanceof DomainError)) throw error;
  const { message, extensions } = toGraphQLError(error);
  const status = ERROR_TABLE[error.kind].http;
  // RFC 6750: a 401 names the scheme the client should use.
  const http = { status, headers: new HeaderMap(status === 401 ? [['www-authenticate', 'Bearer error="invalid_token"']] : []) };
  throw new GraphQLError(message, { extensions: { ...extensions, http } });
}
