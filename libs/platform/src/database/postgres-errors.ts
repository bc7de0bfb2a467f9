const UNIQUE_VIOLATION = '23505';
// SQLSTATE class 22, "data exception": a value the database cannot store or compare (NUL in text, a number
// out of the column's range, a string longer than its column, text that is not a valid uuid).
const DATA_EXCEPTION_CLASS = '22';

/**
 * True when a query failed on a unique constraint, whichever driver raised it (node-postgres and PGlite both
 * carry the SQLSTATE in `code`; drizzle may wrap it in `cause`).
 */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStates(error).some((code) => code === UNIQUE_VIOLATION);
}

/** True when a query failed because a value it was given is one the database refuses (SQLSTATE class 22). */
export function isDataException(error: unknown): boolean {
  return sqlStates(error).some((code) => code.length === 5 && code.startsWith(DATA_EXCEPTION_CLASS));
}

function sqlStates(error: unknown): string[] {
  const codes: string[] = [];
  for (let current = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (codes.length > 10) break;
  }
  return codes;
}
