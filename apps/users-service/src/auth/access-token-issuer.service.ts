import type { Caller, UserTokenSigner } from '@triad/platform';

/** Delegated tokens serve the calls of one request at the REST edge, which caches them briefly. */
export const DELEGATED_TOKEN_TTL_SECONDS = 300;

/** Issues users' access tokens: the one place in the system that signs them. */
export class AccessTokenIssuer {
  constructor(
    private readonly signer: UserTokenSigner,
    readonly ttlSeconds: number,
  ) {}

  issue(caller: Caller, ttlSeconds = this.ttlSeconds): Promise<{ token: string; expiresAt: Date }> {
    return this.signer.sign(caller, ttlSeconds);
  }
}
