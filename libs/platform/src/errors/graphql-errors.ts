import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { DomainError } from './domain-error.js';
import { ERROR_TABLE } from './error-table.js';
import { fromGrpcError } from './grpc-errors.js';

/** The GraphQL error a client sees for a domain error: `extensions.code` from the table, plus the stable code. */
export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: ERROR_TABLE[error.kind].graphql,
      errorCode: error.code,
      ...(error.fieldViolations.length > 0 ? { fieldViolations: error.fieldViolations } : {}),
    },
  });
}

const GRAPHQL_OWN_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * Apollo `formatError` for every GraphQL server in Triad: domain errors (thrown directly or arriving over gRPC)
 * get their table code, GraphQL's own request errors pass through, and anything else is reduced to a generic
 * INTERNAL_SERVER_ERROR with no message, stack or SQL.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof DomainError || isGrpcError(original)) {
    const domain = fromGrpcError(original);
    const { message, extensions } = toGraphQLError(domain);
    return { ...formatted, message, extensions: { ...extensions } };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && (GRAPHQL_OWN_CODES.has(code) || code === 'DOWNSTREAM_SERVICE_ERROR' || isTableCode(code))) {
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Something went wrong on our side; the error has been logged.',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ERROR_TABLE.INTERNAL.graphql },
  };
}

function isTableCode(code: string): boolean {
  return Object.values(ERROR_TABLE).some((row) => row.graphql === code);
}

function isGrpcError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number' && 'metadata' in error;
}

/** `formatGraphQLError` that also logs, with its stack, every error it hides from the client. */
export function graphQLErrorFormatter(logger: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const result = formatGraphQLError(formatted, error);
    if (result.extensions?.['code'] === ERROR_TABLE.INTERNAL.graphql) {
      const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
      logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL resolver');
    }
    return result;
  };
}
