import { STATUS_CODES } from 'node:http';
import {
  DomainError,
  ERROR_TABLE,
  quotePath,
  toProblemDocument,
  type ConnectionErrorBody,
  type ErrorKind,
  type ProblemDocument,
} from '@triad/platform';
import { PROBLEM_CONTENT_TYPE } from './problem.dto.js';

/** The longest request path a problem document repeats; a longer one is cut, so an error never echoes a large input. */
/**
 * The problem document for a request HTTP itself refused (unknown route, malformed body, wrong type…). A status
 * the error table has a row for takes its type and title (400 is `invalid-argument`); any other (408, 413,
 * 415…) keeps its own status, with the RFC 9457 `about:blank` type: nothing beyond the status.
 */
export function requestProblem(status: number, code: string, detail: string, path: string, requestId?: string): ProblemDocument {
  const kind = kindForHttpStatus(status);
  const problem = toProblemDocument(new DomainError(kind ?? 'INVALID_ARGUMENT', code, detail), quotePath(path), requestId);
  return kind ? problem : { ...problem, type: 'about:blank', status, title: STATUS_CODES[status] ?? 'Error' };
}

/**
 * Problem documents for what Node refuses before it is a request (a client too slow, headers over 16 KiB,
 * malformed HTTP): no path was read, so there is no `instance`.
 */
export const problemConnectionErrorBody: ConnectionErrorBody = ({ status, code, message }) => {
  const { instance: _none, ...problem } = requestProblem(status, code, message, '');
  return { contentType: PROBLEM_CONTENT_TYPE, body: JSON.stringify(problem) };
};

function kindForHttpStatus(status: number): ErrorKind | undefined {
  return (Object.keys(ERROR_TABLE) as ErrorKind[]).find((kind) => ERROR_TABLE[kind].http === status);
}
