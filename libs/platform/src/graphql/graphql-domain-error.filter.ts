import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError } from '../errors/domain-error.js';

/**
 * Hands a resolver's DomainError to Apollo as it is: without this, Nest logs every expected error (a wrong
 * password, a forbidden field) with its stack before Apollo's `formatError` translates it.
 */
@Catch(DomainError)
export class GraphQLDomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): DomainError {
    if (host.getType<string>() !== 'graphql') throw error;
    return error;
  }
}
