import type { z } from 'zod';
import { DomainError, type FieldViolation } from '../errors/domain-error.js';
import { isUuid } from '../ids/uuid-v7.js';
import { quoteInput } from './text.js';

/**
 * Parses a request with a zod schema, turning every problem into a field violation, so the caller gets one
 * INVALID_ARGUMENT that lists each bad field (`code` is the use case's, e.g. `USERS.INVALID_INPUT`).
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, code: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw DomainError.invalidArgument(
    code,
    result.error.issues.map((issue): FieldViolation => ({ field: fieldPath(issue.path) || 'request', description: issue.message })),
  );
}

/** `lines[2].quantity`: the spelling FieldViolation documents, from zod's path segments. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((joined, segment) => {
    if (typeof segment === 'number') return `${joined}[${segment}]`;
    return joined === '' ? String(segment) : `${joined}.${String(segment)}`;
  }, '');
}

/** Checks an id before it reaches SQL, so a malformed id is a clear INVALID_ARGUMENT rather than NOT_FOUND. */
export function requireUuid(id: string, field: string, code: string, what = 'an id'): string {
  if (!isUuid(id)) throw DomainError.invalidArgument(code, [{ field, description: `must be ${what} (a UUID), got ${quoteInput(id)}` }]);
  return id.toLowerCase();
}
