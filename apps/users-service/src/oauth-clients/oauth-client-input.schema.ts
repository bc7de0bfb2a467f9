import { parseInput, requireUuid, singleLineText } from '@triad/platform';
import { z } from 'zod';

const INVALID_INPUT = 'OAUTH_CLIENTS.INVALID_INPUT';

/** More entries than there are scopes is a mistake or an attack; either way it is refused before any other check. */
const MAX_SCOPE_ENTRIES = 10;

/** What a new client needs, given the scopes its owner can grant; the messages are shown to the person filling in the form. */
function newOAuthClientInput(grantable: readonly string[]) {
  const scope = z
    .string({ error: 'must be a string' })
    .refine((value) => grantable.includes(value), { error: `must be a scope you can grant: ${grantable.join(', ')}` });
  return z.object({
    name: singleLineText().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
    scopes: z
      .array(scope, { error: 'must be a list of scopes' })
      .min(1, { error: 'must name at least one scope' })
      .max(MAX_SCOPE_ENTRIES, { error: `must name at most ${MAX_SCOPE_ENTRIES} scopes` })
      // Each scope once, in the order the scopes are documented in.
      .transform((chosen) => grantable.filter((value) => chosen.includes(value))),
  });
}

/** A new client's fields, checked: every bad one becomes a field violation of one INVALID_ARGUMENT. */
export function parseNewOAuthClient(
  input: { name: string; scopes: readonly string[] },
  grantable: readonly string[],
): { name: string; scopes: string[] } {
  return parseInput(newOAuthClientInput(grantable), input, INVALID_INPUT);
}

/** Checks a client id before it reaches SQL. */
export function requireOAuthClientId(id: string): string {
  return requireUuid(id, 'client_id', INVALID_INPUT, 'an OAuth client id');
}
