import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import { DomainError, ERROR_TABLE, fromGrpcError, LOGGER, toProblemDocument, type ErrorKind, type ProblemDocument } from '@triad/platform';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE } from './problem.dto.js';

/**
 * The one way errors leave rest-api: every thrown value becomes an RFC 9457 problem document through the
 * platform error table. Domain errors (raised here or arriving over gRPC) keep their code and field
 * violations; errors of HTTP itself (unknown route, malformed JSON) keep their status; anything else is a
 * 500 that says nothing of its cause to the client and is logged with its stack.
 *
 * Errors of the API keys subgraph's resolvers stay GraphQL errors: handed back as they are, Apollo's
 * `formatError` translates them through the same table, and Nest does not log expected ones.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const problem = this.problemFor(exception, request);
    if (problem.status === 401) void reply.header('www-authenticate', 'Bearer');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private problemFor(exception: unknown, request: FastifyRequest): ProblemDocument {
    const path = request.url.split('?')[0] ?? request.url;
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return httpProblem(exception, request, path);
    }
    // Domain errors pass through; gRPC errors are read back with their code and field violations; the rest is INTERNAL.
    const error = fromGrpcError(exception);
    if (error.kind === 'INTERNAL') {
      this.logger.error({ err: exception, method: request.method, path }, 'unexpected error in an HTTP handler');
    } else if (error.kind === 'UNAVAILABLE' || error.kind === 'DEADLINE_EXCEEDED') {
      this.logger.warn({ err: exception, method: request.method, path }, `a backend call failed: ${error.code}`);
    }
    return toProblemDocument(error, path, request.id);
  }
}

/**
 * A problem document for an error HTTP itself raised before any handler ran. A status the error table has no
 * row for (413, 415…) keeps its own status, with the RFC 9457 `about:blank` type: nothing beyond the status.
 */
function httpProblem(exception: HttpException, request: FastifyRequest, path: string): ProblemDocument {
  const status = exception.getStatus();
  const title = STATUS_CODES[status] ?? 'Error';
  const code = status === 404 ? 'REQUEST.ROUTE_NOT_FOUND' : `REQUEST.${title.toUpperCase().replaceAll(/\W+/g, '_')}`;
  const kind = kindForHttpStatus(status);
  const problem = toProblemDocument(
    new DomainError(kind ?? 'INVALID_ARGUMENT', code, httpDetail(exception, request, path)),
    path,
    request.id,
  );
  return kind ? problem : { ...problem, type: 'about:blank', status, title };
}

function httpDetail(exception: HttpException, request: FastifyRequest, path: string): string {
  if (exception.getStatus() === 404) return `No route matches ${request.method} ${path}; the API is described at /docs.`;
  // Fastify's own says only "Request body is too large"; a 413 a handler raised says what it needs already.
  if (exception.cause instanceof errorCodes.FST_ERR_CTP_BODY_TOO_LARGE) {
    return `The request body is larger than the ${request.routeOptions.bodyLimit} bytes this operation accepts; send a smaller one.`;
  }
  // Fastify's own 415 only names the type it got; a 415 a handler raised already says which type it takes.
  if (exception.cause instanceof errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE) return 'Send the request body as application/json.';
  return exception.message;
}

function kindForHttpStatus(status: number): ErrorKind | undefined {
  return (Object.keys(ERROR_TABLE) as ErrorKind[]).find((kind) => ERROR_TABLE[kind].http === status);
}
