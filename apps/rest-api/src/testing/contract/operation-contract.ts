import type { ContractFixtures } from './contract-fixtures.js';

/** A request as the harness sends it: `token` goes in `Authorization: Bearer`. */
export interface ContractRequest {
  method: string;
  path: string;
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One way to get a status, named to complete "answers <status> when …". */
export interface Exchange {
  when: string;
  request: (fixtures: ContractFixtures) => ContractRequest;
}

/** How the contract spec exercises one documented operation. */
export interface OperationContract {
  /**
   * The requests that get each status the harness can produce. The 2xx request is also sent where every call
   * fails, for the statuses all operations share (429, 500, 503, 504): it passes the edge's own checks.
   */
  answers: Record<number, Exchange | Exchange[]>;
  /** The documented statuses the harness cannot produce, each with why. */
  unreachable?: Record<number, string>;
}

/** The request of an operation's 2xx answer: one that passes the edge's own checks. */
export function successRequest(contract: OperationContract): Exchange['request'] {
  const success = Object.entries(contract.answers).find(([status]) => status.startsWith('2'))?.[1];
  if (!success) throw new Error('an operation contract needs a 2xx answer');
  return [success].flat()[0]!.request;
}

export const when = (description: string, request: Exchange['request']): Exchange => ({ when: description, request });

type RequestOptions = Omit<ContractRequest, 'method' | 'path'>;
export const get = (path: string, options: RequestOptions = {}): ContractRequest => ({ method: 'GET', path, ...options });
export const post = (path: string, options: RequestOptions = {}): ContractRequest => ({ method: 'POST', path, ...options });
export const patch = (path: string, options: RequestOptions = {}): ContractRequest => ({ method: 'PATCH', path, ...options });
export const remove = (path: string, options: RequestOptions = {}): ContractRequest => ({ method: 'DELETE', path, ...options });

/** An id that no resource has. */
export const UNKNOWN_ID = '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10';

/** A well-formed API key that the API never issued. */
export const UNKNOWN_API_KEY = { 'x-api-key': `triad_00000000_${'A'.repeat(43)}` };

/** The body limits of the API under test (JSON and NDJSON), low so that a body over them is cheap to send. */
export const BODY_LIMIT_BYTES = 4096;

/** A body refused for its size before anything reads it. */
export const OVERSIZED = { padding: 'x'.repeat(BODY_LIMIT_BYTES) };

/** `If-None-Match: *` matches whatever copy is current, so a cacheable GET answers 304. */
export const ANY_COPY = { 'if-none-match': '*' };

/** Why watching an order never answers 504. */
export const STREAM_HAS_NO_DEADLINE =
  'rest-api gives a watch no deadline (only unary calls get GRPC_DEADLINE_MS, and an import REST_IMPORT_DEADLINE_MS), ' +
  'so a silent service holds the request open';
