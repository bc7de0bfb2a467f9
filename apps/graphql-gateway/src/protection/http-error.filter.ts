import { Catch, HttpException, HttpStatus, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { graphQLRequestError, quotePath, RequestRejection, requestErrorCode } from '@triad/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The longest request path a message repeats; a longer one is cut, so an error never echoes a large input. */
/**
 * Answers every request HTTP itself refuses — malformed or over-deep JSON, a body over GRAPHQL_BODY_LIMIT_BYTES,
 * a type other than JSON, a malformed URL, a path nothing is served at — the way GraphQL clients read errors,
 * as Apollo answers the malformed requests it sees itself: the HTTP status, and one error whose
 * `extensions.code` is `BAD_REQUEST` (`NOT_FOUND` for an unknown path) and whose `errorCode` says which
 * refusal it was. Server faults (5xx) keep Nest's default handling, which logs them.
 */
@Catch(HttpException)
export class HttpErrorFilter extends BaseExceptionFilter {
  constructor(
    httpAdapter: HttpServer,
    private readonly bodyLimitBytes: number,
  ) {
    super(httpAdapter);
  }

  override catch(exception: HttpException, host: ArgumentsHost): void {
    const status = exception.getStatus();
    if (host.getType() !== 'http' || status >= 500) return super.catch(exception, host);
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const [errorCode, message] = this.describe(exception, request);
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(status)
      .send(graphQLRequestError(status, errorCode, message));
  }

  private describe(exception: HttpException, request: FastifyRequest): [errorCode: string, message: string] {
    if (exception instanceof RequestRejection) return [exception.code, exception.message];
    switch (exception.getStatus()) {
      case HttpStatus.PAYLOAD_TOO_LARGE:
        return [
          'GATEWAY.BODY_TOO_LARGE',
          `The request body is larger than the ${this.bodyLimitBytes} bytes this server accepts: send a smaller request.`,
        ];
      case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
        // Fastify's own message names the type it got, which can be 16 KiB long.
        return [
          requestErrorCode(415),
          'Send the body as application/json (a GraphQL query may also be a GET with the operation in the URL).',
        ];
      case HttpStatus.NOT_FOUND:
        return [requestErrorCode(404), `No route matches ${request.method} ${quotePath(request.url)}: send GraphQL requests to /graphql.`];
      default:
        return [requestErrorCode(exception.getStatus()), exception.message];
    }
  }
}
