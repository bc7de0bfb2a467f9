import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/**
 * A request refused by HTTP itself, before any route handler ran: malformed, too large, too slow, of a type
 * the server does not read. It carries a stable `code` (`REQUEST.JSON_TOO_DEEP`) and a message for people
 * that never quotes more than a few characters of the request. Thrown from Fastify hooks and parsers, it
 * reaches each edge's exception filter like any other `HttpException`.
 */
export class RequestRejection extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
  ) {
    super(message, status);
  }
}

/** The stable code of an HTTP error with no code of its own: `REQUEST.UNSUPPORTED_MEDIA_TYPE` for 415. */
export function requestErrorCode(status: number): string {
  if (status === 404) return 'REQUEST.ROUTE_NOT_FOUND';
  return `REQUEST.${(STATUS_CODES[status] ?? 'Error').toUpperCase().replaceAll(/\W+/g, '_')}`;
}

/** What a GraphQL server answers a refused request with: GraphQL's error format, as Apollo answers its own. */
export interface GraphQLRequestErrorBody {
  errors: [{ message: string; extensions: { code: string; errorCode: string } }];
}

/**
 * The body a GraphQL server (the gateway, a subgraph) sends for a request refused before GraphQL saw it:
 * `extensions.code` is `BAD_REQUEST`, as Apollo spells a malformed request (`NOT_FOUND` for a path nothing is
 * served at), and `errorCode` says which refusal it was.
 */
export function graphQLRequestError(status: number, errorCode: string, message: string): GraphQLRequestErrorBody {
  return { errors: [{ message, extensions: { code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', errorCode } }] };
}
