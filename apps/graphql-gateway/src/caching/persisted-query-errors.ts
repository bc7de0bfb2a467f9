import type { GraphQLFormattedError } from 'graphql';

/**
 * Apollo Server refuses two kinds of automatic persisted query with a 400 but no `extensions.code`, so the
 * platform's error formatter took them for internal errors and hid them: a hash that is not the query's, and a
 * protocol version other than 1. Keyed by Apollo's messages (a spec catches a change of wording).
 */
const REFUSALS = new Map([
  [
    'provided sha does not match query',
    {
      errorCode: 'GATEWAY.PERSISTED_QUERY_HASH_MISMATCH',
      message:
        'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query: send the hex SHA-256 of the query text exactly as sent.',
    },
  ],
  [
    'Unsupported persisted query version',
    {
      errorCode: 'GATEWAY.PERSISTED_QUERY_VERSION_UNSUPPORTED',
      message: 'Only version 1 of automatic persisted queries is supported: set extensions.persistedQuery.version to 1.',
    },
  ],
]);

/** Gives those two refusals Apollo's code for a malformed request, `BAD_REQUEST`, and a message that says what to send. */
export function withPersistedQueryErrorCodes(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const refusal = REFUSALS.get(formatted.message);
  return refusal ? { message: refusal.message, extensions: { code: 'BAD_REQUEST', errorCode: refusal.errorCode } } : formatted;
}
