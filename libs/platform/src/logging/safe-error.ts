/** A thrown value as a log line carries it: enough to find the fault, none of the values a client sent. */
export interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  [field: string]: unknown;
}

// Fields of database and gRPC errors that describe the fault without repeating a value: node-postgres's and
// PGlite's SQLSTATE, where it happened, and a gRPC status. Everything else (a query's parameters, PostgreSQL's
// `detail` with "Failing row contains (…)", a key's value in a unique violation) is left out, because a row
// can hold a password hash, an API key's hash or text the client typed.
const SAFE_FIELDS = ['code', 'severity', 'schema', 'table', 'column', 'constraint', 'routine', 'details'] as const;
const MAX_CAUSES = 5;

/**
 * pino's `err` serializer for every Triad process. Allow-list, not deny-list: a new driver that adds a field
 * with the row in it logs nothing of it. Drizzle writes a failed query's parameters into its message (and so
 * into the stack's first line); they are cut off there, keeping the SQL text, which has only placeholders.
 */
export function serializeError(error: unknown, depth = 0): LoggedError | unknown {
  if (!(error instanceof Error)) return typeof error === 'object' && error !== null ? { type: 'non-error', message: '[object]' } : error;
  const message = safeMessage(error);
  const logged: LoggedError = { type: error.constructor.name || error.name, message };
  if (error.stack) logged.stack = replaceFirstLineMessage(error.stack, error.message, message);
  for (const field of SAFE_FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') logged[field] = value;
  }
  if (error.cause !== undefined && depth < MAX_CAUSES) logged['cause'] = serializeError(error.cause, depth + 1);
  return logged;
}

/**
 * The message, less what a client sent: a failed query's parameters, and PostgreSQL's own text for a value it
 * refused (SQLSTATE class 22 quotes it: `invalid input syntax for type uuid: "…"`), which the code names well enough.
 */
function safeMessage(error: Error): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return `PostgreSQL refused a value (SQLSTATE ${code})`;
  return withoutQueryParameters(error.message);
}

/** `Failed query: insert … values ($1, $2)\nparams: a@b.c,$scrypt$…` → `Failed query: insert … values ($1, $2)`. */
function withoutQueryParameters(message: string): string {
  const params = message.indexOf('\nparams: ');
  return message.startsWith('Failed query: ') && params !== -1 ? message.slice(0, params) : message;
}

function replaceFirstLineMessage(stack: string, original: string, replacement: string): string {
  if (original === replacement) return stack;
  const at = stack.indexOf(original);
  return at === -1 ? replacement : stack.slice(0, at) + replacement + stack.slice(at + original.length);
}

/**
 * A message or stack trace that reaches the log as text (Nest's own logger calls): a failed query's parameters
 * and everything after them are cut, since a client-chosen value could imitate the stack lines that follow.
 */
export function scrubLogText(text: string): string {
  const params = text.indexOf('\nparams: ');
  return params !== -1 && text.includes('Failed query: ') ? `${text.slice(0, params)}\n[query parameters and the rest removed]` : text;
}
