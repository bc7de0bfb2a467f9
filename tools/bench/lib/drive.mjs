// A closed-loop load driver: `concurrency` loops, each sending its next request when the last one is answered,
// for a fixed time. Every failure is counted and the first is kept, so a run that errs says why.

/**
 * Sends `request()` from `concurrency` loops for `seconds` and returns the throughput, the latencies (sorted,
 * in ms) and the failures. `request` resolves when the whole answer is read and throws on a bad one.
 */
export async function drive(request, { concurrency, seconds }) {
  const latencies = [];
  let failures = 0;
  let firstFailure;
  const startedAt = performance.now();
  const until = startedAt + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const sentAt = performance.now();
        try {
          await request();
          latencies.push(performance.now() - sentAt);
        } catch (error) {
          failures += 1;
          firstFailure ??= error;
        }
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  return { completed: latencies.length, perSecond: latencies.length / elapsed, latencies, failures, firstFailure };
}

/** The `p`th percentile (0–100) of sorted values, nearest rank. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of values (the mean of the middle two when they are even in number), and their spread as [min, max]. */
export function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}
