import type { ApolloServerPlugin } from '@apollo/server';
import { quoteInput } from '@triad/platform';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';

/** How many of a document's operation names a message lists. */
const LISTED_NAMES = 5;

/**
 * Refuses, with a 400, a document whose operation to run is not clear: several operations and no
 * `operationName`, or an `operationName` the document does not define. Apollo Server leaves both to the
 * executor, and Apollo Gateway's throws a plain error, which clients would get as a 500.
 */
export function operationResolutionPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (operation) return;
          const names = operationNames(document);
          const listed =
            names.length <= LISTED_NAMES
              ? names.join(', ')
              : `${names.slice(0, LISTED_NAMES).join(', ')} and ${names.length - LISTED_NAMES} more`;
          throw request.operationName
            ? refusal(
                'GATEWAY.UNKNOWN_OPERATION_NAME',
                `The document has no operation named ${quoteInput(request.operationName)}; it has ${listed || 'none'}: set operationName to one of them.`,
              )
            : refusal(
                'GATEWAY.OPERATION_NAME_REQUIRED',
                `The document holds ${names.length} operations (${listed}): set operationName to the one to run.`,
              );
        },
      };
    },
  };
}

function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION ? [definition.name ? quoteInput(definition.name.value) : 'an anonymous one'] : [],
  );
}

function refusal(errorCode: string, message: string): GraphQLError {
  // Apollo's own code for this failure, which the platform's error formatter passes through.
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', errorCode, http: { status: 400 } } });
}
