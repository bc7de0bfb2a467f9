import { Inject, Injectable } from '@nestjs/common';
import { UserRole, type UsersServiceClient } from '@triad/contracts/users/v1';
import { fromTimestamp, TokenCache, type CachedToken, type Caller } from '@triad/platform';
import { firstValueFrom } from 'rxjs';
import { USERS_CLIENT } from '../users/users-client.js';

/** A token is reused until this long before it expires, so it never runs out during a request's calls. */
const RENEW_BEFORE_MS = 60_000;
/** Owners remembered at most; the oldest are forgotten first. */
const MAX_CACHED = 10_000;

/**
 * Access tokens for API keys' owners. The services know only access tokens, and the REST edge cannot sign one:
 * it asks users-service (`CreateDelegatedToken`, which only a service granted `users:delegate` may call) for a
 * short-lived token for the owner, with the role the key was made with or less. One token serves an owner's
 * requests until shortly before it expires; a revoked key stops at the key check, before any token is used.
 */
@Injectable()
export class DelegatedTokens {
  private readonly cache = new TokenCache(MAX_CACHED);

  constructor(@Inject(USERS_CLIENT) private readonly users: UsersServiceClient) {}

  /** The `Authorization` value that makes the services see `owner` as the caller. */
  async authorizationFor(owner: Caller): Promise<string> {
    return `Bearer ${await this.cache.get(`${owner.userId} ${owner.role}`, () => this.fetch(owner))}`;
  }

  private async fetch(owner: Caller): Promise<CachedToken> {
    const role = owner.role === 'admin' ? UserRole.USER_ROLE_ADMIN : UserRole.USER_ROLE_CUSTOMER;
    const response = await firstValueFrom(this.users.createDelegatedToken({ userId: owner.userId, role }));
    const expiresAt = fromTimestamp(response.expireTime)?.getTime() ?? Date.now();
    return { token: response.accessToken, renewAt: expiresAt - RENEW_BEFORE_MS };
  }
}
