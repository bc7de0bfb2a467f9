import { Injectable } from '@nestjs/common';
import { canActFor, DomainError, requireCaller, requireUserThemselves, uuidv7, type Caller } from '@triad/platform';
import { hashApiKeySecret, isWellFormedApiKey, newApiKeySecret } from './api-key-secret.js';
import { parseNewApiKey, requireApiKeyId, requireUserId } from './api-key-input.schema.js';
import { ApiKeysErrors } from './api-keys.errors.js';
import { ApiKeysRepository, type ApiKeyWithUsage } from './api-keys.repository.js';

/** A key as its owner and admins see it: never its secret, which is not stored. */
export interface ApiKeyView {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Requests made with the key since midnight UTC. */
  requestsToday: number;
}

/** A key just created, with the one copy of its secret there will ever be. */
export interface CreatedApiKey {
  apiKey: ApiKeyView;
  secret: string;
}

/** Who a request with a valid key acts as. */
export interface ApiKeyIdentity {
  keyId: string;
  caller: Caller;
}

/** The use cases of API keys. REST, the subgraph and the `X-API-Key` hook call these and translate the result. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly repository: ApiKeysRepository) {}

  /**
   * Creates a key for the caller. The key acts with the caller's role as it is now: a later change of role in
   * users-service does not reach existing keys (revoke and recreate them), because checking the role on each
   * request would cost a call to users-service per request.
   */
  async createApiKey(request: { name: string }, caller: Caller | undefined, now = new Date()): Promise<CreatedApiKey> {
    const owner = requireUserThemselves(requireCaller(caller), 'manage API keys');
    const { name } = parseNewApiKey(request);
    const { secret, prefix, hash } = newApiKeySecret();
    const row = await this.repository.insert({
      id: uuidv7(now.getTime()),
      userId: owner.userId,
      ownerRole: owner.role,
      name,
      prefix,
      secretHash: hash,
      createdAt: now,
    });
    return { apiKey: toView({ ...row, requestsOnDay: 0 }), secret };
  }

  /** A user's keys, newest first, revoked ones included; only the user and admins may see them. */
  async listApiKeys(userId: string, caller: Caller | undefined, now = new Date()): Promise<ApiKeyView[]> {
    const viewer = requireUserThemselves(requireCaller(caller), 'manage API keys');
    if (!canActFor(viewer, userId)) throw DomainError.permissionDenied("Only the user and admins can see a user's API keys.");
    const rows = await this.repository.listByUser(requireUserId(userId), utcDay(now));
    return rows.map(toView);
  }

  /** A key, or `undefined` when none the caller may see has this id: someone else's key looks absent. */
  async findApiKey(id: string, caller: Caller | undefined, now = new Date()): Promise<ApiKeyView | undefined> {
    const viewer = requireUserThemselves(requireCaller(caller), 'manage API keys');
    const key = await this.repository.findById(requireApiKeyId(id), utcDay(now));
    return key && canActFor(viewer, key.userId) ? toView(key) : undefined;
  }

  /** Revokes a key for good; only its owner and admins may. Revoking a revoked key changes nothing. */
  async revokeApiKey(id: string, caller: Caller | undefined, now = new Date()): Promise<ApiKeyView> {
    const key = await this.findApiKey(id, caller, now);
    if (!key) throw ApiKeysErrors.notFound(id);
    return key.revokedAt ? key : { ...key, revokedAt: await this.repository.revoke(key.id, now) };
  }

  /** Who a presented `X-API-Key` secret acts as; counts the request as one use of the key. */
  async authenticate(secret: string, now = new Date()): Promise<ApiKeyIdentity> {
    if (!isWellFormedApiKey(secret)) throw ApiKeysErrors.unknownKey();
    const key = await this.repository.findBySecretHash(hashApiKeySecret(secret));
    if (!key) throw ApiKeysErrors.unknownKey();
    if (key.revokedAt) throw ApiKeysErrors.revokedKey();
    await this.repository.recordUse(key.id, now, utcDay(now));
    return { keyId: key.id, caller: { userId: key.userId, role: key.ownerRole } };
  }
}

/** The UTC date of `at`, as the usage table's `day` holds it: `2025-01-31`. */
function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function toView(row: ApiKeyWithUsage): ApiKeyView {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    requestsToday: row.requestsOnDay,
  };
}
