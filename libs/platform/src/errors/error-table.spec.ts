import { Metadata, status } from '@grpc/grpc-js';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DomainError } from './domain-error.js';
import { ERROR_TABLE, errorKindFromGrpcStatus, type ErrorKind } from './error-table.js';
import { formatGraphQLError } from './graphql-errors.js';
import { fromGrpcError, toGrpcError } from './grpc-errors.js';
import { toProblemDocument } from './problem.js';

describe('the error table', () => {
  it.each(Object.keys(ERROR_TABLE) as ErrorKind[])('keeps %s the same kind across a gRPC hop', (kind) => {
    const original = new DomainError(kind, `TEST.${kind}`, `a ${kind} happened`);
    const sent = toGrpcError(original);
    expect(sent.code).toBe(ERROR_TABLE[kind].grpc);
    const received = fromGrpcError({ code: sent.code, details: sent.details, metadata: sent.metadata, message: sent.message });
    expect(received).toMatchObject({ kind, code: `TEST.${kind}`, message: `a ${kind} happened` });
  });

  it('maps every gRPC status Triad sends back to its kind', () => {
    for (const [kind, row] of Object.entries(ERROR_TABLE)) expect(errorKindFromGrpcStatus(row.grpc)).toBe(kind);
    expect(errorKindFromGrpcStatus(status.DATA_LOSS)).toBe('INTERNAL');
  });

  it('turns a transport failure with no domain code into a retryable UNAVAILABLE naming the service', () => {
    const error = fromGrpcError(
      { code: status.UNAVAILABLE, details: 'No connection established', metadata: new Metadata() },
      'users-service',
    );
    expect(error).toMatchObject({
      kind: 'UNAVAILABLE',
      code: 'UPSTREAM.UNAVAILABLE',
      message: 'users-service is unavailable; try again shortly.',
    });
  });

  it('never lets an unexpected error message leave the process', () => {
    const sent = toGrpcError(new Error('duplicate key value violates unique constraint "users_email_key"'));
    expect(sent.code).toBe(status.INTERNAL);
    expect(sent.details).not.toContain('users_email_key');
  });
});

describe('problem documents', () => {
  it('carry status, stable code, request id and each bad field', () => {
    const error = DomainError.invalidArgument('USERS.INVALID_INPUT', [{ field: 'email', description: 'must be an email address' }]);
    expect(toProblemDocument(error, '/v1/users', 'req-1')).toEqual({
      type: 'https://triad.dev/problems/invalid-argument',
      title: 'Invalid argument',
      status: 400,
      detail: 'Invalid request: email: must be an email address',
      instance: '/v1/users',
      code: 'USERS.INVALID_INPUT',
      request_id: 'req-1',
      errors: [{ field: 'email', description: 'must be an email address' }],
    });
  });
});

describe('GraphQL errors', () => {
  it('carry the table code and the stable code of a domain error', () => {
    const error = new GraphQLError('x', { originalError: new DomainError('ALREADY_EXISTS', 'USERS.EMAIL_TAKEN', 'taken') });
    expect(formatGraphQLError({ message: 'x' }, error)).toMatchObject({
      message: 'taken',
      extensions: { code: 'ALREADY_EXISTS', errorCode: 'USERS.EMAIL_TAKEN' },
    });
  });

  it('hide anything unexpected behind INTERNAL_SERVER_ERROR', () => {
    const error = new GraphQLError('select * from users failed', { originalError: new Error('select * from users failed') });
    const formatted = formatGraphQLError({ message: 'select * from users failed', extensions: { stacktrace: ['at x'] } }, error);
    expect(formatted).toEqual({
      message: 'Something went wrong on our side; the error has been logged.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('keep GraphQL validation errors as they are, without stack traces', () => {
    const formatted = formatGraphQLError(
      { message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at x'] } },
      new GraphQLError('x'),
    );
    expect(formatted).toEqual({ message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});
