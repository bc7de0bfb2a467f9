import { Catch, Inject, type RpcExceptionFilter } from '@nestjs/common';
import { LOGGER } from '../logging/logger.js';
import type { Logger } from 'pino';
import { throwError, type Observable } from 'rxjs';
import { asDomainError, DomainError } from '../errors/domain-error.js';
import { toGrpcError } from '../errors/grpc-errors.js';

/**
 * Translates whatever a gRPC handler throws through the error table. Unexpected errors are logged here with
 * their stack, and the client gets INTERNAL with nothing of it. A value the database refused is the client's
 * INVALID_ARGUMENT, logged as a warning: a validation rule is missing.
 */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter<unknown> {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown): Observable<never> {
    if (asDomainError(exception) === undefined) this.logger.error({ err: exception }, 'unexpected error in a gRPC handler');
    else if (!(exception instanceof DomainError)) this.logger.warn({ err: exception }, 'the database refused a value from a request');
    return throwError(() => toGrpcError(exception));
  }
}
