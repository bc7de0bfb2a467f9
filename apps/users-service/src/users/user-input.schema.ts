import { z } from 'zod';
import { requireUuid, singleLineText } from '@triad/platform';
import { MIN_PASSWORD_LENGTH } from './password-policy.service.js';

/** What a new account needs; the messages are shown to the person filling in the form. */
export const newUserInput = z.object({
  email: singleLineText()
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'must be an email address such as ada@example.com' }))
    .transform((email) => email.toLowerCase()),
  name: singleLineText().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
  password: singleLineText()
    .min(MIN_PASSWORD_LENGTH, { error: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
    .max(128, { error: 'must be at most 128 characters' }),
  role: z.enum(['customer', 'admin']),
});
export type NewUserInput = z.infer<typeof newUserInput>;

export const credentialsInput = z.object({
  email: singleLineText()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(254, { error: 'must be at most 254 characters' })
    .transform((email) => email.toLowerCase()),
  password: singleLineText().min(1, { error: 'must not be empty' }).max(128, { error: 'must be at most 128 characters' }),
});

/** Checks a user id before it reaches SQL. */
export function requireUserId(id: string, field = 'id'): string {
  return requireUuid(id, field, 'USERS.INVALID_INPUT', 'a user id');
}
