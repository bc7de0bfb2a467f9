import { Inject, Injectable } from '@nestjs/common';
import { UserRole, type UsersServiceClient } from '@triad/contracts/users/v1';
import { fromTimestamp, type Caller } from '@triad/platform';
import { firstValueFrom } from 'rxjs';
import { USERS_CLIENT } from '../users/users-client.module.js';

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
  private readonly cache = new Map<string, Promise<{ authorization: string; renewAt: number }>>();

  constructor(@Inject(USERS_CLIENT) private readonly users: UsersServiceClient) {}

  /** The `Authorization` value that makes the services see `owner` as the caller. */
  async authorizationFor(owner: Caller): Promise<string> {
    const key = `${owner.userId} ${owner.role}`;
    const pending = this.cache.get(key);
    const cached = await pending?.catch(() => undefined);
    if (cached && cached.renewAt > Date.now()) return cached.authorization;
    // Another request that waited on the same stale entry may already be fetching its successor.
    const renewed = this.cache.get(key);
    if (renewed && renewed !== pending) return (await renewed).authorization;
    const fetched = this.fetch(owner);
    this.cache.delete(key);
    this.cache.set(key, fetched);
    fetched.catch(() => this.cache.delete(key));
    for (const oldest of this.cache.keys()) {
      if (this.cache.size <= MAX_CACHED) break;
      this.cache.delete(oldest);
    }
    return (await fetched).authorization;
  }

  private async fetch(owner: Caller): Promise<{ authorization: string; renewAt: number }> {
    const role = owner.role === 'admin' ? UserRole.USER_ROLE_ADMIN : UserRole.USER_ROLE_CUSTOMER;
    const response = await firstValueFrom(this.users.createDelegatedToken({ userId: owner.userId, role }));
    const expiresAt = fromTimestamp(response.expireTime)?.getTime() ?? Date.now();
    return { authorization: `Bearer ${response.accessToken}`, renewAt: expiresAt - RENEW_BEFORE_MS };
  }
}
