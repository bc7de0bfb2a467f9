import { useState } from 'react';

/**
 * Forward cursor paging with a way back: the gateway's connections page forward only (`first`, `after`), so
 * the cursors of the pages already seen are kept to return to them.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    after: cursors[cursors.length - 1] ?? null,
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    next: (endCursor: string) => setCursors((seen) => [...seen, endCursor]),
    previous: () => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)),
  };
}
