import type { Observable } from 'rxjs';

/**
 * Reads an Observable as the async iterator graphql-js subscriptions consume. It subscribes at once and
 * buffers what arrives until it is pulled; an error is thrown from `next()` after the values before it.
 * `return()`, called when the client unsubscribes or disconnects, unsubscribes at once, even while a `next()`
 * is waiting: an async generator would only run its cleanup at the next value, which may never come, and a
 * gRPC stream would stay open until then.
 */
export function toAsyncIterator<T>(source: Observable<T>): AsyncIterableIterator<T> {
  const values: T[] = [];
  let failure: { error: unknown } | undefined;
  let finished = false;
  let wake: (() => void) | undefined;
  const subscription = source.subscribe({
    next: (value) => {
      values.push(value);
      wake?.();
    },
    error: (error: unknown) => {
      failure = { error };
      wake?.();
    },
    complete: () => {
      finished = true;
      wake?.();
    },
  });
  const stop = () => {
    finished = true;
    values.length = 0;
    subscription.unsubscribe();
    wake?.();
  };

  return {
    async next(): Promise<IteratorResult<T>> {
      while (values.length === 0 && !failure && !finished) await new Promise<void>((resolve) => (wake = resolve));
      if (values.length > 0) return { value: values.shift() as T, done: false };
      if (failure) {
        const { error } = failure;
        failure = undefined;
        stop();
        throw error;
      }
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<T>> {
      stop();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
