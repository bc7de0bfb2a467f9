import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { GqlContextType } from '@nestjs/graphql';
import {
  fromGrpcError,
  LOGGER,
  pathOf,
  quotePath,
  RequestRejection,
  requestErrorCode,
  toProblemDocument,
  type ProblemDocument,
} from '@triad/platform';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { PROBLEM_CONTENT_TYPE } from './problem.dto.js';
import { requestProblem } from './request-problem.js';

/**
 * The one way errors leave rest-api: every thrown value becomes an RFC 9457 problem document through the
 * platform error table. Domain errors (raised here or arriving over gRPC) keep their code and field
 * violations; errors of HTTP itself (unknown route, malformed JSON, a platform `RequestRejection`) keep their
 * status; anything else is a 500 that says nothing of its cause to the client and is logged with its stack.
 * No document quotes more than the start of a long path.
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
    // A throttled sign-in or key check says when to try again, as the rate limit does (RFC 9110 Retry-After).
    const { retryAfterSeconds } = problem.status === 429 ? fromGrpcError(exception) : {};
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private problemFor(exception: unknown, request: FastifyRequest): ProblemDocument {
    const path = pathOf(request.url);
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
    return toProblemDocument(error, quotePath(path), request.id);
  }
}

/** A problem document for an error HTTP itself raised before any handler ran. */
function httpProblem(exception: HttpException, request: FastifyRequest, path: string): ProblemDocument {
  const status = exception.getStatus();
  const code = exception instanceof RequestRejection ? exception.code : requestErrorCode(status);
  return requestProblem(status, code, httpDetail(exception, request, path), path, request.id);
}

function httpDetail(exception: HttpException, request: FastifyRequest, path: string): string {
  if (exception instanceof RequestRejection) return exception.message;
  if (exception.getStatus() === 404) return `No route matches ${request.method} ${quotePath(path)}; the API is described at /docs.`;
  // Fastify's own says only "Request body is too large"; a 413 a handler raised says what it needs already.
  if (exception.cause instanceof errorCodes.FST_ERR_CTP_BODY_TOO_LARGE) {
    return `The request body is larger than the ${request.routeOptions.bodyLimit} bytes this operation accepts; send a smaller one.`;
  }
  // Fastify's own 415 names the type it got, which can be 16 KiB long; a 415 a handler raised already says which type it takes.
  if (exception.cause instanceof errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE) return 'Send the request body as application/json.';
  return exception.message;
}
