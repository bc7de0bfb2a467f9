import { z } from 'zod';
import { isUuid, type FieldViolation } from '@triad/platform';
import { UsersErrors } from './users.errors.js';

/** What a new account needs; the messages are shown to the person filling in the form. */
export const newUserInput = z.object({
  email: z
    .string()
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'must be an email address such as ada@example.com' }))
    .transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
  password: z
    .string()
    .min(8, { error: 'must be at least 8 characters' })
    .max(128, { error: 'must be at most 128 characters' }),
  role: z.enum(['customer', 'admin']),
});
export type NewUserInput = z.infer<typeof newUserInput>;

export const credentialsInput = z.object({
  email: z.string().trim().min(1, { error: 'must not be empty' }).transform((email) => email.toLowerCase()),
  password: z.string().min(1, { error: 'must not be empty' }),
});

/** Parses input with a schema, turning every problem into a field violation (`INVALID_ARGUMENT`). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw UsersErrors.invalidInput(
    result.error.issues.map((issue): FieldViolation => ({ field: issue.path.join('.') || 'request', description: issue.message })),
  );
}

/** Checks ids before they reach SQL, so a malformed id is a clear INVALID_ARGUMENT rather than NOT_FOUND. */
export function requireUserId(id: string, field = 'id'): string {
  if (!isUuid(id)) throw UsersErrors.invalidInput([{ field, description: `must be a user id (a UUID), got ${JSON.stringify(id)}` }]);
  return id.toLowerCase();
}
