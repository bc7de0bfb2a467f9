import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and every outgoing call of one request shares. */
export interface RequestContext {
  requestId: string;
  /** The caller's bearer token as received, forwarded to the services a request calls. */
  authorization?: string;
  /**
   * The address of the client the edge saw, forwarded to the services a request calls so that a sign-in
   * throttle counts attempts per client rather than per edge.
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

/**
 * The client address a service counts attempts by: the one an edge forwarded (`x-triad-client-address`) when
 * it is well-formed, else the address the call came from. Only a forwarded value of an address's shape and
 * length is taken, so it cannot carry anything else into a log line or a throttle's memory.
 */
export function clientAddressOf(forwarded: unknown, peer: string | undefined): string {
  if (typeof forwarded === 'string' && /^[0-9A-Fa-f.:]{2,45}$/.test(forwarded)) return forwarded;
  return peer ?? 'unknown';
}
