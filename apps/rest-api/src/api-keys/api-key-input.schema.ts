import { parseInput, requireUuid, singleLineText } from '@triad/platform';
import { z } from 'zod';

const INVALID_INPUT = 'API_KEYS.INVALID_INPUT';

/** What a new key needs; the messages are shown to the person filling in the form. */
const newApiKeyInput = z.object({
  name: singleLineText().trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
});

/** A new key's fields, checked: every bad one becomes a field violation of one INVALID_ARGUMENT. */
export function parseNewApiKey(input: { name: string }): z.infer<typeof newApiKeyInput> {
  return parseInput(newApiKeyInput, input, INVALID_INPUT);
}

/** Checks a key id before it reaches SQL. */
export function requireApiKeyId(id: string): string {
  return requireUuid(id, 'id', INVALID_INPUT, 'an API key id');
}

/** Checks a user id before it reaches SQL. */
export function requireUserId(id: string): string {
  return requireUuid(id, 'id', INVALID_INPUT, 'a user id');
}
