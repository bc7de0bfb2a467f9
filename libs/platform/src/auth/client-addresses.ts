import { currentRequestContext, type ForwardedClient } from '../logging/request-context.js';
import type { AccessTokens } from './access-tokens.js';
import { bearerToken } from './access-tokens.js';
import { SERVICE_SCOPES } from './service-grants.js';

/** An IPv4 or IPv6 address as an edge writes it; anything else is not taken as one. */
const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/**
 * Which client a call serves, for limits counted per client (failed sign-ins, sign-ups). Behind the edges, the
 * address a call comes from is the edge's, so the edge forwards its client's. That value is taken only from
 * a caller that proves it is an edge: a service token for this service with the `clients:forward` scope. From
 * anyone else (a client that reached the service's port, an edge without its secret) it is ignored, and the
 * caller counts by its own address, so nobody can pick an address to escape a limit or to lock others out.
 */
export class ClientAddresses {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly audience: string,
  ) {}

  async resolve(forwarded: ForwardedClient, peer: string | undefined): Promise<string> {
    const own = peer ?? 'unknown';
    if (typeof forwarded.address !== 'string' || !ADDRESS.test(forwarded.address)) return own;
    const token = typeof forwarded.serviceToken === 'string' ? bearerToken(forwarded.serviceToken) : undefined;
    if (token === undefined) return own;
    try {
      const edge = await this.tokens.verifyService(token, this.audience);
      return edge.scopes.includes(SERVICE_SCOPES.forwardClient) ? forwarded.address : own;
    } catch {
      return own;
    }
  }

  /**
   * The client of the current call. Resolved only where a limit needs it (a sign-in, a sign-up), so no other
   * call pays for checking the edge's token.
   */
  ofCurrentCall(): Promise<string> {
    const context = currentRequestContext();
    return this.resolve(context?.forwardedClient ?? { address: undefined, serviceToken: undefined }, context?.clientAddress);
  }
}
