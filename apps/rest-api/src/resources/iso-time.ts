import type { Timestamp } from '@triad/contracts';
import { fromTimestamp } from '@triad/platform';

/** An upstream timestamp as RFC 3339 text, the way every time reads in this API. */
export function isoTime(timestamp: Timestamp | undefined | null): string {
  const date = fromTimestamp(timestamp);
  // proto-loader delivers an unset message field as null; the services always set their times, so this is a broken contract.
  if (!date) throw new Error('an upstream service answered without a timestamp');
  return date.toISOString();
}
