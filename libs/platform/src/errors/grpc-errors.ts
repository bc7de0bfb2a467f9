import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { asDomainError, DomainError, type FieldViolation } from './domain-error.js';
import { ERROR_TABLE, errorKindFromGrpcStatus } from './error-table.js';

/** Trailing metadata that carries a domain error's stable code across a gRPC hop. */
export const ERROR_CODE_METADATA_KEY = 'triad-error-code';
/** Trailing metadata that carries field violations as JSON (binary header, so any text survives). */
export const FIELD_VIOLATIONS_METADATA_KEY = 'triad-field-violations-bin';
/** Trailing metadata of a RESOURCE_EXHAUSTED error: whole seconds until the caller may try again. */
export const RETRY_AFTER_METADATA_KEY = 'retry-after';

/** What a gRPC handler sends back for an error: grpc-js reads `code`, `details` and `metadata`. */
export interface GrpcErrorPayload {
  code: number;
  message: string;
  details: string;
  metadata: Metadata;
}

/**
 * Turns any thrown value into the status a gRPC client receives. Domain errors keep their message and code;
 * anything else becomes INTERNAL with no detail, so stack traces and SQL never leave the process.
 */
export function toGrpcError(error: unknown): GrpcErrorPayload {
  const domain = asDomainError(error) ?? internalError();
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_METADATA_KEY, domain.code);
  if (domain.fieldViolations.length > 0) {
    metadata.set(FIELD_VIOLATIONS_METADATA_KEY, Buffer.from(JSON.stringify(domain.fieldViolations)));
  }
  if (domain.retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER_METADATA_KEY, String(domain.retryAfterSeconds));
  return { code: ERROR_TABLE[domain.kind].grpc, message: domain.message, details: domain.message, metadata };
}

/**
 * Reads an error that a gRPC call failed with back into a DomainError, so an edge can translate it again.
 * Transport failures (no server, deadline passed) become UNAVAILABLE or DEADLINE_EXCEEDED with a clear message.
 */
export function fromGrpcError(error: unknown, service = 'a backend service'): DomainError {
  const domain = asDomainError(error);
  if (domain !== undefined) return domain;
  if (!isServiceError(error)) return internalError();
  const kind = errorKindFromGrpcStatus(error.code);
  const metadata = error.metadata instanceof Metadata ? error.metadata : undefined;
  const code = stringValue(metadata?.get(ERROR_CODE_METADATA_KEY)[0]);
  if (code === undefined) {
    if (error.code === GrpcStatus.UNAVAILABLE || error.code === GrpcStatus.CANCELLED) {
      return new DomainError('UNAVAILABLE', 'UPSTREAM.UNAVAILABLE', `${service} is unavailable; try again shortly.`);
    }
    if (error.code === GrpcStatus.DEADLINE_EXCEEDED) {
      return new DomainError('DEADLINE_EXCEEDED', 'UPSTREAM.TIMEOUT', `${service} did not answer in time.`);
    }
    if (kind === 'INTERNAL') return internalError();
  }
  const retryAfter = Number(stringValue(metadata?.get(RETRY_AFTER_METADATA_KEY)[0]));
  return new DomainError(
    kind,
    code ?? `GRPC.${kind}`,
    error.details || ERROR_TABLE[kind].title,
    violationsFrom(metadata),
    Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

function internalError(): DomainError {
  return new DomainError('INTERNAL', 'INTERNAL', 'Something went wrong on our side; the error has been logged.');
}

function violationsFrom(metadata: Metadata | undefined): FieldViolation[] {
  const raw = metadata?.get(FIELD_VIOLATIONS_METADATA_KEY)[0];
  if (!Buffer.isBuffer(raw)) return [];
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter(isFieldViolation) : [];
  } catch {
    return [];
  }
}

function isFieldViolation(value: unknown): value is FieldViolation {
  return typeof value === 'object' && value !== null && 'field' in value && 'description' in value;
}

function isServiceError(error: unknown): error is ServiceError {
  return typeof error === 'object' && error !== null && typeof (error as ServiceError).code === 'number';
}

function stringValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
