import type { ApolloServerPlugin } from '@apollo/server';
import { limitViolation, type OperationLimits } from './operation-limits.js';

/**
 * Refuses an operation over its limits once Apollo has parsed and validated it and knows its variables, before
 * any subgraph is called. Apollo registers a persisted query only after this step, so a refused query is never
 * stored. (A validation rule could not see the variables, which a page size can come from.)
 */
export function operationLimitsPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          const violation = operation && limitViolation(schema, document, operation, request.variables ?? {}, limits);
          if (violation) throw violation;
        },
      };
    },
  };
}
