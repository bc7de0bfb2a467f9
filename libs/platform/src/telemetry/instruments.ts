import { metrics, type Attributes, type Counter, type Histogram, type Meter } from '@opentelemetry/api';

/**
 * One meter per concern, looked up when first used rather than at import: a meter taken before telemetry
 * started would be a no-op for good.
 */
export function meter(name: string): Meter {
  return metrics.getMeter(`triad.${name}`);
}

/** A histogram created once, on first use. */
export function lazyHistogram(meterName: string, name: string, description: string): () => Histogram {
  let histogram: Histogram | undefined;
  return () => (histogram ??= meter(meterName).createHistogram(name, { description, unit: 's' }));
}

/** Seconds since `startedAt`, a `performance.now()` reading: what every duration histogram records. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/**
 * A counter created once, on first use: `triad.orders.placed` is `triad_orders_placed_total` in Prometheus. It
 * starts at 0 for each attribute set in `startsAt`, so that those series exist (and `rate()` works) before the
 * first event; call the returned function once at start-up for that.
 */
export function lazyCounter(meterName: string, name: string, description: string, startsAt: Attributes[] = [{}]): () => Counter {
  let counter: Counter | undefined;
  return () => {
    if (counter) return counter;
    counter = meter(meterName).createCounter(name, { description });
    for (const attributes of startsAt) counter.add(0, attributes);
    return counter;
  };
}

/**
 * A gauge read when metrics are collected (a scrape): `read` may query the database; a failure leaves the value
 * out of that scrape rather than failing it.
 */
export function observeGauge(
  meterName: string,
  name: string,
  description: string,
  read: () => Promise<number>,
  attributes: Attributes = {},
): void {
  meter(meterName)
    .createObservableGauge(name, { description })
    .addCallback(async (result) => {
      const value = await read().catch(() => undefined);
      if (value !== undefined) result.observe(value, attributes);
    });
}
