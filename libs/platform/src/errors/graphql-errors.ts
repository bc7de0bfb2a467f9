import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { asDomainError, DomainError } from './domain-error.js';
import { ERROR_TABLE } from './error-table.js';
import { fromGrpcError } from './grpc-errors.js';

/** The GraphQL error a client sees for a domain error: `extensions.code` from the table, plus the stable code. */
export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: ERROR_TABLE[error.kind].graphql,
      errorCode: error.code,
      ...(error.fieldViolations.length > 0 ? { fieldViolations: error.fieldViolations } : {}),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfter: error.retryAfterSeconds }),
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
 * Apollo `formatError` for every GraphQL server in Triad, subgraphs and gateway alike. Three kinds of error
 * reach a client, each with only the extensions listed here:
 * - a domain error, thrown in a resolver or arriving over gRPC: its table code, stable code and bad fields;
 * - one a subgraph already formatted this way (it carries `errorCode`), passing through the gateway;
 * - GraphQL's own request errors (parse, validation, persisted queries), with a stable code when the server
 *   set one (the gateway's limits: `GATEWAY.MAX_DEPTH_EXCEEDED`).
 * Anything else, Apollo's INTERNAL_SERVER_ERROR included, becomes a generic message: no text, stack or SQL.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const where = { ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const domain = asDomainError(original);
  if (domain !== undefined || isGrpcError(original)) {
    const { message, extensions } = toGraphQLError(domain ?? fromGrpcError(original));
    return { message, ...where, extensions: { ...extensions } };
  }
  const { code, errorCode, fieldViolations, retryAfter } = formatted.extensions ?? {};
  if (typeof code === 'string' && typeof errorCode === 'string' && isTableCode(code) && code !== ERROR_TABLE.INTERNAL.graphql) {
    return {
      message: formatted.message,
      ...where,
      extensions: {
        code,
        errorCode,
        ...(Array.isArray(fieldViolations) ? { fieldViolations } : {}),
        ...(typeof retryAfter === 'number' ? { retryAfter } : {}),
      },
    };
  }
  if (typeof code === 'string' && GRAPHQL_OWN_CODES.has(code)) {
    return { message: formatted.message, ...where, extensions: { code, ...(typeof errorCode === 'string' ? { errorCode } : {}) } };
  }
  return {
    message: 'Something went wrong on our side; the error has been logged.',
    ...where,
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
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (result.extensions?.['code'] === ERROR_TABLE.INTERNAL.graphql) {
      logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL resolver');
    } else if (asDomainError(original) !== undefined && !(original instanceof DomainError)) {
      logger.warn({ err: original, path: formatted.path }, 'the database refused a value from a request');
    }
    return result;
  };
}
