import { z } from 'zod';
import { requireUuid } from '@triad/platform';

/** What a new account needs; the messages are shown to the person filling in the form. */
export const newUserInput = z.object({
  email: z
    .string()
    .trim()
    .max(254, { error: 'must be at most 254 characters' })
    .pipe(z.email({ error: 'must be an email address such as ada@example.com' }))
    .transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
  password: z.string().min(8, { error: 'must be at least 8 characters' }).max(128, { error: 'must be at most 128 characters' }),
  role: z.enum(['customer', 'admin']),
});
export type NewUserInput = z.infer<typeof newUserInput>;

export const credentialsInput = z.object({
  email: z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .transform((email) => email.toLowerCase()),
  password: z.string().min(1, { error: 'must not be empty' }),
});

/** Checks a user id before it reaches SQL. */
export function requireUserId(id: string, field = 'id'): string {
  return requireUuid(id, field, 'USERS.INVALID_INPUT', 'a user id');
}
