import { graphQLErrorFormatter } from '@triad/platform';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { withPersistedQueryErrorCodes } from '../caching/persisted-query-errors.js';

/** The longest error message the gateway sends. */
const MAX_MESSAGE_LENGTH = 1000;

/**
 * The platform's error formatter, after the gateway's own refusals get their codes, and with every message cut
 * to a readable length: GraphQL's own messages quote the client's input (a 90 KB string sent as an `Int`
 * variable would come back twice), and an error never echoes a large input.
 */
export function gatewayErrorFormatter(logger: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const format = graphQLErrorFormatter(logger);
  return (formatted, error) => {
    const result = format(withPersistedQueryErrorCodes(formatted), error);
    if (result.message.length <= MAX_MESSAGE_LENGTH) return result;
    return { ...result, message: `${result.message.slice(0, MAX_MESSAGE_LENGTH)}… (message cut)` };
  };
}
