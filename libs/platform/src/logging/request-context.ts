import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line and every outgoing call of one request shares. */
export interface RequestContext {
  requestId: string;
  /** The caller's bearer token as received, forwarded to the services a request calls. */
  authorization?: string;
  /**
   * The address the call came from: at an edge, the client's, which it forwards to the services it calls; in a
   * service, its caller's (an edge, or whoever reached the port).
   */
  clientAddress?: string;
  /** What the caller claims about the client it serves; only `ClientAddresses` decides whether to believe it. */
  forwardedClient?: ForwardedClient;
}

/** The two values of a call that may name its client: what an edge forwarded, and the edge's own token. */
export interface ForwardedClient {
  /** The `x-triad-client-address` header or metadata value. */
  address: unknown;
  /** The `x-triad-service-token` value: `Bearer <token>`. */
  serviceToken: unknown;
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
