import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { clientAddressOf, trustedProxiesSetting, trustProxies } from './trusted-proxies.js';

const load = (value: string | undefined) =>
  loadConfig({ TRUSTED_PROXIES: trustedProxiesSetting() }, { TRUSTED_PROXIES: value }).TRUSTED_PROXIES;

/** A request as Node hands it over: from `peer`, with the X-Forwarded-For it carries. */
const request = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('TRUSTED_PROXIES', () => {
  it('reads addresses and CIDR ranges, IPv4 and IPv6, and nothing when unset', () => {
    expect(load(undefined)).toEqual([]);
    expect(load(' 10.0.0.0/8 , 192.0.2.10,fd00::/8, ::1 ')).toEqual(['10.0.0.0/8', '192.0.2.10', 'fd00::/8', '::1']);
  });

  it.each([
    ['a name', 'ingress'],
    ['a prefix too long', '10.0.0.0/33'],
    ['two prefixes', '10.0.0.0/8/8'],
    ['a negative prefix', '10.0.0.0/-1'],
    ['an IPv6 prefix too long', '::/129'],
    ['an octet out of range', '300.1.1.1'],
    ['a NUL byte', '10.0.0.1\0'],
    ['100 KB of text', 'x'.repeat(100_000)],
  ])('refuses %s, saying what it expects', (_what, value) => {
    expect(() => load(value)).toThrow(/TRUSTED_PROXIES must be a comma-separated list of IP addresses or CIDR ranges/);
  });
});

describe('clientAddressOf', () => {
  const trust = trustProxies(['10.0.0.0/8']);

  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddressOf(request('203.0.113.9', '198.51.100.1'), undefined)).toBe('203.0.113.9');
  });

  it('is the nearest untrusted address of X-Forwarded-For when the peer is a trusted proxy', () => {
    expect(clientAddressOf(request('10.1.2.3', '198.51.100.1'), trust)).toBe('198.51.100.1');
    // A client that prepends an address of its choosing is still counted by its own, the one the proxy saw.
    expect(clientAddressOf(request('10.1.2.3', '192.0.2.66, 198.51.100.1'), trust)).toBe('198.51.100.1');
    expect(clientAddressOf(request('10.1.2.3', '198.51.100.1, 10.9.9.9'), trust)).toBe('198.51.100.1');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(clientAddressOf(request('203.0.113.9', '198.51.100.1'), trust)).toBe('203.0.113.9');
  });
});
