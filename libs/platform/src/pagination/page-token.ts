import { DomainError } from '../errors/domain-error.js';

/** Page sizes every list call accepts: 0 or unset means the default, above the maximum is refused. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Validates a requested page size. Refusing (rather than quietly clamping) a size above the maximum tells the
 * client its assumption is wrong instead of returning fewer rows than it asked for.
 */
export function resolvePageSize(requested: number | undefined, field = 'page_size'): number {
  if (requested === undefined || requested === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(requested) || requested < 0 || requested > MAX_PAGE_SIZE) {
    throw DomainError.invalidArgument('PAGINATION.INVALID_PAGE_SIZE', [
      { field, description: `must be between 1 and ${MAX_PAGE_SIZE} (or 0 for the default of ${DEFAULT_PAGE_SIZE})` },
    ]);
  }
  return requested;
}

/**
 * Page tokens are opaque to clients: base64url of a small JSON cursor, tagged with the list they belong to
 * so a token from one list cannot be replayed against another.
 */
export function encodePageToken(list: string, cursor: Record<string, string>): string {
  return Buffer.from(JSON.stringify({ l: list, c: cursor }), 'utf8').toString('base64url');
}

/** Reads a page token back; an empty token means the first page. */
export function decodePageToken(list: string, token: string | undefined, field = 'page_token'): Record<string, string> | undefined {
  if (token === undefined || token === '') return undefined;
  const invalid = DomainError.invalidArgument('PAGINATION.INVALID_PAGE_TOKEN', [
    { field, description: 'is not a token this list returned; start again without it' },
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid;
  const { l, c } = parsed as { l?: unknown; c?: unknown };
  if (l !== list || typeof c !== 'object' || c === null) throw invalid;
  const entries = Object.entries(c);
  if (!entries.every(([, value]) => typeof value === 'string')) throw invalid;
  return Object.fromEntries(entries) as Record<string, string>;
}
