import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * The kinds of failure Triad distinguishes, and how each one is spelled by every transport.
 * This is the only place that maps between gRPC status, HTTP status and GraphQL `extensions.code`:
 * every edge and every service translates through it.
 */
export const ERROR_TABLE = {
  INVALID_ARGUMENT: { grpc: GrpcStatus.INVALID_ARGUMENT, http: 400, graphql: 'BAD_USER_INPUT', title: 'Invalid argument' },
  UNAUTHENTICATED: { grpc: GrpcStatus.UNAUTHENTICATED, http: 401, graphql: 'UNAUTHENTICATED', title: 'Unauthenticated' },
  PERMISSION_DENIED: { grpc: GrpcStatus.PERMISSION_DENIED, http: 403, graphql: 'FORBIDDEN', title: 'Permission denied' },
  NOT_FOUND: { grpc: GrpcStatus.NOT_FOUND, http: 404, graphql: 'NOT_FOUND', title: 'Not found' },
  ALREADY_EXISTS: { grpc: GrpcStatus.ALREADY_EXISTS, http: 409, graphql: 'ALREADY_EXISTS', title: 'Already exists' },
  ABORTED: { grpc: GrpcStatus.ABORTED, http: 409, graphql: 'ABORTED', title: 'Conflict' },
  FAILED_PRECONDITION: { grpc: GrpcStatus.FAILED_PRECONDITION, http: 422, graphql: 'FAILED_PRECONDITION', title: 'Failed precondition' },
  RESOURCE_EXHAUSTED: { grpc: GrpcStatus.RESOURCE_EXHAUSTED, http: 429, graphql: 'RATE_LIMITED', title: 'Too many requests' },
  UNAVAILABLE: { grpc: GrpcStatus.UNAVAILABLE, http: 503, graphql: 'SERVICE_UNAVAILABLE', title: 'Service unavailable' },
  DEADLINE_EXCEEDED: { grpc: GrpcStatus.DEADLINE_EXCEEDED, http: 504, graphql: 'DEADLINE_EXCEEDED', title: 'Upstream timeout' },
  INTERNAL: { grpc: GrpcStatus.INTERNAL, http: 500, graphql: 'INTERNAL_SERVER_ERROR', title: 'Internal error' },
} as const;

export type ErrorKind = keyof typeof ERROR_TABLE;

const kindByGrpcStatus = new Map<number, ErrorKind>(
  (Object.keys(ERROR_TABLE) as ErrorKind[]).map((kind) => [ERROR_TABLE[kind].grpc, kind]),
);

/** The error kind for a gRPC status code; statuses Triad never sends on purpose count as INTERNAL. */
export function errorKindFromGrpcStatus(code: number): ErrorKind {
  if (code === GrpcStatus.CANCELLED) return 'UNAVAILABLE';
  return kindByGrpcStatus.get(code) ?? 'INTERNAL';
}
