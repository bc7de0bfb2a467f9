import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and every outgoing call of one request shares. */
export interface RequestContext {
  requestId: string;
  /** The caller's bearer token as received, forwarded to the services a request calls. */
  authorization?: string;
  /**
   * The address of the client: at an edge, the one it saw, forwarded to the services a request calls; in a
   * service, the one an edge proved it forwarded (see `ClientAddresses`), else the caller's own.
   */
  clientAddress?: string;
}

/** Header and gRPC metadata key that carries the request id between processes. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** Header and gRPC metadata key in which an edge tells a service which client address it serves. */
export const CLIENT_ADDRESS_HEADER = 'x-triad-client-address';

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request; logs and outgoing gRPC calls inside it pick it up. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Keeps a request id that a caller sent if it looks sane, otherwise makes a new one. */
export function acceptRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && /^[\w.:-]{1,128}$/.test(candidate) ? candidate : randomUUID();
}
