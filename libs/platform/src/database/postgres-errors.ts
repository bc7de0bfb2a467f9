const UNIQUE_VIOLATION = '23505';

/**
 * True when a query failed on a unique constraint, whichever driver raised it (node-postgres and PGlite both
 * carry the SQLSTATE in `code`; drizzle may wrap it in `cause`).
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; typeof current === 'object' && current !== null; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}
