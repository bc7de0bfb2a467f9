import { isDataException } from '../database/postgres-errors.js';
import type { ErrorKind } from './error-table.js';

/** One invalid field of a request, named by its path in the request (`email`, `lines[2].quantity`). */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * An error a use case raises on purpose. `code` is stable and namespaced (`USERS.EMAIL_TAKEN`); clients may
 * branch on it, so it survives every process boundary. `kind` picks the transport status from the error table.
 * The message is written for the person who sent the request.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly fieldViolations: readonly FieldViolation[] = [],
    /** For RESOURCE_EXHAUSTED: whole seconds until the caller may try again (`Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /** RESOURCE_EXHAUSTED: the caller must wait `retryAfterSeconds` before trying again. */
  static tooManyRequests(code: string, message: string, retryAfterSeconds: number): DomainError {
    return new DomainError('RESOURCE_EXHAUSTED', code, message, [], Math.max(1, Math.ceil(retryAfterSeconds)));
  }

  static invalidArgument(code: string, violations: readonly FieldViolation[]): DomainError {
    const summary = violations.map((v) => `${v.field}: ${v.description}`).join('; ');
    return new DomainError('INVALID_ARGUMENT', code, `Invalid request: ${summary}`, violations);
  }

  static notFound(code: string, message: string): DomainError {
    return new DomainError('NOT_FOUND', code, message);
  }

  static unauthenticated(message = 'Sign in first: this call needs a valid access token.'): DomainError {
    return new DomainError('UNAUTHENTICATED', 'AUTH.UNAUTHENTICATED', message);
  }

  static permissionDenied(message: string): DomainError {
    return new DomainError('PERMISSION_DENIED', 'AUTH.PERMISSION_DENIED', message);
  }

  /**
   * The same error with its field violations renamed, for a transport whose fields are spelled differently
   * from the use case's (`page_size` → GraphQL's `first`). A whole path is looked up first, then each of its
   * names (`lines[0].product_id` → `items[0].productId`). Any other value is returned unchanged.
   */
  static renameFields(error: unknown, names: Readonly<Record<string, string>>): unknown {
    if (!(error instanceof DomainError) || error.fieldViolations.length === 0) return error;
    const rename = (field: string) => names[field] ?? field.replace(/[A-Za-z_]\w*/g, (name) => names[name] ?? name);
    return DomainError.invalidArgument(
      error.code,
      error.fieldViolations.map((violation) => ({ ...violation, field: rename(violation.field) })),
    );
  }
}

/**
 * The domain error a thrown value stands for, `undefined` for an unexpected one. A value the database refused
 * (a data exception: NUL in text, a number out of a column's range) is the client's mistake, not a crash, so
 * it is INVALID_ARGUMENT even where a validation rule was missing; the use case's own rules name the field.
 */
export function asDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (isDataException(error)) {
    return DomainError.invalidArgument('REQUEST.UNSTORABLE_VALUE', [
      { field: 'request', description: 'holds a value that cannot be stored: a control character, invalid text or a number out of range' },
    ]);
  }
  return undefined;
}
