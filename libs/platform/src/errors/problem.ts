import type { DomainError, FieldViolation } from './domain-error.js';
import { ERROR_TABLE } from './error-table.js';

/** An RFC 9457 problem document as Triad's REST edge sends it (`application/problem+json`). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  request_id?: string;
  errors?: FieldViolation[];
}

/** Base of the `type` URIs; each problem type is documented under it. */
export const PROBLEM_TYPE_BASE = 'https://triad.dev/problems/';

/** The problem document for a domain error, for the request path `instance`. */
export function toProblemDocument(error: DomainError, instance: string, requestId?: string): ProblemDocument {
  const row = ERROR_TABLE[error.kind];
  return {
    type: `${PROBLEM_TYPE_BASE}${error.kind.toLowerCase().replaceAll('_', '-')}`,
    title: row.title,
    status: row.http,
    detail: error.message,
    instance,
    code: error.code,
    ...(requestId ? { request_id: requestId } : {}),
    ...(error.fieldViolations.length > 0 ? { errors: [...error.fieldViolations] } : {}),
  };
}
