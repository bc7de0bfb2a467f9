import { z } from 'zod';
import { pathOf } from '../http/request-path.js';

// Unicode's control characters (Cc: C0 with NUL, DEL, C1). PostgreSQL refuses NUL in text outright, and the
// rest are invisible in a page and in a log line, where they can forge what a reader sees.
const CONTROL_CHARACTERS = /\p{Cc}/u;
// The same without tab, line feed and carriage return, which a longer text may hold.
const CONTROL_CHARACTERS_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/**
 * A string a person typed on one line (a name, an email, a search term), as it may be stored: no control
 * characters and no unpaired UTF-16 surrogates (which have no UTF-8 encoding). Chain the field's own rules
 * after it: `singleLineText().trim().max(100, …)`.
 */
export function singleLineText(): z.ZodString {
  return z
    .string({ error: 'must be a string' })
    .refine((value) => value.isWellFormed(), { error: 'must be valid Unicode text' })
    .refine((value) => !CONTROL_CHARACTERS.test(value), { error: 'must not contain control characters (such as NUL or a line break)' });
}

/** Like `singleLineText`, but tabs and line breaks are allowed: a description, a note. */
export function multiLineText(): z.ZodString {
  return z
    .string({ error: 'must be a string' })
    .refine((value) => value.isWellFormed(), { error: 'must be valid Unicode text' })
    .refine((value) => !CONTROL_CHARACTERS_BUT_LINE_BREAKS.test(value), {
      error: 'must not contain control characters (such as NUL) other than tabs and line breaks',
    });
}

/**
 * A client's value quoted in an error message, cut to a readable length: a message never carries a large
 * input back (a 100 KB id would not even fit in a gRPC status trailer).
 */
export function quoteInput(value: string, maxLength = 40): string {
  return value.length <= maxLength ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, maxLength))}… (${value.length} characters)`;
}

/** The longest request path an error message repeats. */
const MAX_QUOTED_PATH = 200;

/** A request's path (without its query) as an error message repeats it: whole when short, else its start. */
export function quotePath(url: string): string {
  const path = pathOf(url);
  return path.length <= MAX_QUOTED_PATH ? path : `${path.slice(0, MAX_QUOTED_PATH)}...`;
}
