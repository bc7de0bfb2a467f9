import { CombinedError } from '@urql/core';
import type { ReactNode } from 'react';
import { describeError } from '../graphql/describe-error';

/** Shown while a request is in flight; screen readers announce it politely. */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="status status--loading">
      {children}
    </p>
  );
}

/** A request failed: says what happened and what to do, announced at once. */
export function ErrorMessage({ error, children }: { error: CombinedError | Error; children?: ReactNode }) {
  return (
    <div role="alert" className="status status--error">
      <p>{error instanceof CombinedError ? describeError(error) : error.message}</p>
      {children}
    </div>
  );
}

/** A request succeeded with nothing to show. */
export function EmptyMessage({ children }: { children: ReactNode }) {
  return <p className="status status--empty">{children}</p>;
}
