import { Catch, HttpException, HttpStatus, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';

/**
 * Answers a request body over GRAPHQL_BODY_LIMIT_BYTES the way GraphQL clients read errors, naming the limit,
 * instead of Fastify's bare `{"statusCode":413}`. Fastify refuses such a body before it is read into memory;
 * every other HTTP error goes to Nest's default handling.
 */
@Catch(HttpException)
export class BodyLimitFilter extends BaseExceptionFilter {
  constructor(
    httpAdapter: HttpServer,
    private readonly limitBytes: number,
  ) {
    super(httpAdapter);
  }

  override catch(exception: HttpException, host: ArgumentsHost): void {
    if (exception.getStatus() !== HttpStatus.PAYLOAD_TOO_LARGE) return super.catch(exception, host);
    const message = `The request body is larger than the ${this.limitBytes} bytes this server accepts: send a smaller request.`;
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(HttpStatus.PAYLOAD_TOO_LARGE)
      .send({ errors: [{ message, extensions: { code: 'BAD_REQUEST', errorCode: 'GATEWAY.BODY_TOO_LARGE' } }] });
  }
}
