import type { Timestamp } from '@triad/contracts';

/**
 * Conversions between `Date` and `google.protobuf.Timestamp` as the loader delivers it (`seconds` is an
 * int64, so a string). Explicit at the edge of each controller, because a Date handed to the loader
 * untranslated would silently become the epoch.
 */
export function toTimestamp(date: Date): Timestamp {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}

export function fromTimestamp(timestamp: Timestamp | undefined | null): Date | undefined {
  if (!timestamp) return undefined;
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1_000_000));
}
