import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';
import { env } from '../config/config.js';

/** Whether the hop at `address` (0 the socket's peer, 1 the last X-Forwarded-For entry, …) is a trusted proxy. */
export type TrustProxy = (address: string, hop: number) => boolean;

const EXPECTED = 'a comma-separated list of IP addresses or CIDR ranges, such as 10.0.0.0/8,192.0.2.10';

/**
 * `TRUSTED_PROXIES`: the addresses of the proxies in front of an edge (an Ingress controller, a load balancer), as
 * IP addresses or CIDR ranges. Empty by default: then every request's client is its socket's peer and
 * `X-Forwarded-For` is ignored, so a client cannot choose the address its rate limit is counted by.
 */
export function trustedProxiesSetting() {
  return env.list().refine((entries) => entries.every(isAddressOrRange), { error: EXPECTED });
}

/** The trust test Fastify (`trustProxy`) and {@link clientAddressOf} take; undefined when no proxy is trusted. */
export function trustProxies(entries: readonly string[]): TrustProxy | undefined {
  return entries.length === 0 ? undefined : proxyAddr.compile([...entries]);
}

/**
 * Where a request comes from: its socket's peer, or, when that peer is a trusted proxy, the nearest address in
 * `X-Forwarded-For` that is not one (what Fastify's `request.ip` gives with the same trust). For the requests
 * Fastify never sees, such as a WebSocket upgrade.
 */
export function clientAddressOf(request: IncomingMessage, trust: TrustProxy | undefined): string {
  if (!trust) return request.socket.remoteAddress ?? 'unknown';
  return proxyAddr(request, trust);
}

/**
 * Whether a trusted proxy passed the request on (its socket's peer is one, and it says whom it forwards for):
 * then it came from beyond the proxy, from the internet when the proxy is an Ingress.
 */
export function forwardedByTrustedProxy(request: IncomingMessage, trust: TrustProxy): boolean {
  return request.headers['x-forwarded-for'] !== undefined && trust(request.socket.remoteAddress ?? '', 0);
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
