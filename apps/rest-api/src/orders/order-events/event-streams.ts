import type { MessageEvent } from '@nestjs/common';
import { firstValueFrom, Observable, ReplaySubject } from 'rxjs';

/** What `startStream` resolves with: the source's first value, and every value from that one on. */
export interface StartedStream<T> {
  first: T | undefined;
  values: Observable<T>;
}

/**
 * Subscribes to `source` now and waits for its first value, so that a stream which fails at once (NOT_FOUND,
 * PERMISSION_DENIED) can still be answered with an ordinary error response: an `@Sse()` route sends its
 * headers as soon as it returns its Observable, and after that an error can only be an event. `first` is
 * undefined when the source ended without a value, or when `signal` (the route's `@SseSignal()`) aborted first.
 *
 * The values are replayed to the one subscriber that comes later, and kept while the source lives: fine for a
 * handful of events, not for a stream of thousands. The source is unsubscribed when `values` is, or when
 * `signal` aborts: the client left during setup, or the response ended without subscribing.
 */
export async function startStream<T>(source: Observable<T>, signal: AbortSignal): Promise<StartedStream<T>> {
  const values = new ReplaySubject<T>();
  const subscription = source.subscribe(values);
  const stop = () => {
    subscription.unsubscribe();
    values.complete();
  };
  whenAborted(signal, stop);
  const first = await firstValueFrom(values, { defaultValue: undefined });
  return {
    first,
    values: new Observable<T>((subscriber) => {
      const replay = values.subscribe(subscriber);
      return () => {
        replay.unsubscribe();
        stop();
      };
    }),
  };
}

/**
 * Calls `cleanup` when `signal` aborts, or at once if it has already: an `abort` listener added too late never
 * runs, and Nest aborts an `@Sse()` route's signal before its handler runs when the client left during a guard.
 */
export function whenAborted(signal: AbortSignal, cleanup: () => void): void {
  if (signal.aborted) cleanup();
  else signal.addEventListener('abort', cleanup, { once: true });
}

/**
 * `events` with a comment (`: keep-alive`) after every `intervalMs`, so proxies do not close a stream that is
 * quiet for a while. Clients ignore comments. It ends when `events` ends.
 */
export function withHeartbeats(events: Observable<MessageEvent>, intervalMs: number): Observable<MessageEvent> {
  return new Observable<MessageEvent>((subscriber) => {
    const heartbeat = setInterval(() => subscriber.next({ comment: 'keep-alive' }), intervalMs);
    const subscription = events.subscribe(subscriber);
    return () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    };
  });
}
