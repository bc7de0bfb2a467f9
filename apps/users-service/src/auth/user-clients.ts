import { grantableApiScopes, hashRandomSecret, isUuid, TOKEN_ALGORITHM, USER_TOKEN_AUDIENCE } from '@triad/platform';
import { timingSafeEqual } from 'node:crypto';
import type Provider from 'oidc-provider';
import { errors, type Adapter, type ClientMetadata, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { OAuthClientRow, UserRow } from '../db/schema.js';

/** What the authorization server reads of the clients users register (`oauth-clients/`) and of their owners. */
export interface UserClientsSettings {
  /** A client a user registered, unless it is unknown or revoked. */
  findClient: (clientId: string) => Promise<OAuthClientRow | undefined>;
  findUser: (id: string) => Promise<UserRow | undefined>;
  /** How long their access tokens live; like every access token, they cannot be taken back before then. */
  accessTokenTtlSeconds: number;
}

/** Who a user client's token acts for, and with which scopes. */
interface UserClientGrant {
  userId: string;
  role: UserRow['role'];
  scopes: string[];
}

/** True for the id of a client a user registered (a UUID); the system's own clients have names. */
export function isUserClientId(clientId: string): boolean {
  return isUuid(clientId);
}

/**
 * The clients users register for their own scripts, as oidc-provider sees them: confidential clients of the
 * client-credentials grant whose tokens act for their owner. The library knows no such thing (a client-credentials
 * token is the client's own), so four of its extension points make it:
 * - the `Client` model's adapter reads them from `oauth_clients`, where a revoked client is not found, so it gets no
 *   new token from the moment it is revoked;
 * - the secret stored is a SHA-256, which `compareClientSecret` compares with the hash of the one presented;
 * - `getResourceServerInfo` gives a token for Triad's APIs with the client's scopes, as far as the owner can still
 *   grant them;
 * - the JWT customizer names the owner as `sub`, with the owner's role, so every verifier reads the token as the
 *   owner's, acting through the client (`Caller.clientId`, `Caller.scopes`), like a token from the authorization
 *   code grant.
 */
export class UserClients {
  constructor(private readonly settings: UserClientsSettings) {}

  /** oidc-provider's storage of the `Client` model: read-only, as clients are registered through OAuthClientsService. */
  adapter(): Adapter {
    const readOnly = (): never => {
      throw new Error('clients are registered through OAuthClientsService, not stored by the authorization server');
    };
    return {
      find: async (id) => {
        const client = isUserClientId(id) ? await this.settings.findClient(id) : undefined;
        return client ? clientMetadata(client) : undefined;
      },
      upsert: readOnly,
      findByUid: readOnly,
      findByUserCode: readOnly,
      consume: readOnly,
      destroy: readOnly,
      revokeByGrantId: readOnly,
    };
  }

  /**
   * The token a user's client may get: for Triad's APIs only, with the scopes it asks for, each of them the client's;
   * a request that names none gets all of them (set on the request here, which the grant reads next).
   */
  async resourceServer(context: KoaContextWithOIDC, resource: string, clientId: string): Promise<ResourceServer> {
    if (resource !== USER_TOKEN_AUDIENCE) {
      throw new errors.InvalidTarget(`a client of a user's gets tokens for ${USER_TOKEN_AUDIENCE} only`);
    }
    const grant = await this.grantOf(clientId);
    const params = context.oidc.params as { scope?: string | undefined };
    const requested = params.scope?.split(' ').filter(Boolean) ?? [];
    const refused = requested.filter((scope) => !grant.scopes.includes(scope));
    if (refused.length > 0) {
      throw new errors.InvalidScope(`this client may ask only for ${grant.scopes.join(' ')}`, refused.join(' '));
    }
    if (requested.length === 0) params.scope = grant.scopes.join(' ');
    return {
      scope: grant.scopes.join(' '),
      audience: USER_TOKEN_AUDIENCE,
      accessTokenFormat: 'jwt',
      accessTokenTTL: this.settings.accessTokenTtlSeconds,
      jwt: { sign: { alg: TOKEN_ALGORITHM } },
    };
  }

  /** Names the owner in a user client's token: `sub` and `role`, as in a token the owner got by signing in. */
  async nameOwner(clientId: string, payload: Record<string, unknown>): Promise<void> {
    const grant = await this.grantOf(clientId);
    payload['sub'] = grant.userId;
    payload['role'] = grant.role;
  }

  /**
   * Makes every client a user registered compare secrets by their SHA-256, the only form stored; the system's own
   * clients keep the library's comparison. oidc-provider lets a deployment overload `Client#compareClientSecret`
   * for this (its changelog: "allow overloading prototype for comparing client secrets", issue #631), and calls it
   * for `client_secret_basic` and `client_secret_post`. The stored hash would not work as the key of
   * `client_secret_jwt` or a symmetric algorithm, which these clients are never given.
   */
  static compareHashedSecrets(provider: Provider): void {
    const compare = provider.Client.prototype.compareClientSecret;
    provider.Client.prototype.compareClientSecret = function (this: InstanceType<Provider['Client']>, actual: string) {
      if (!isUserClientId(this.clientId)) return compare.call(this, actual);
      const stored = Buffer.from(this.clientSecret ?? '');
      const presented = Buffer.from(hashRandomSecret(actual));
      return stored.length === presented.length && timingSafeEqual(stored, presented);
    };
  }

  /** The owner and the scopes they can still grant: a demoted admin's client loses `catalog:write`. */
  private async grantOf(clientId: string): Promise<UserClientGrant> {
    const client = await this.settings.findClient(clientId);
    const owner = client && (await this.settings.findUser(client.userId));
    if (!client || !owner) throw new errors.InvalidClient('client not found');
    const scopes = grantableApiScopes(owner.role).filter((scope) => client.scopes.includes(scope));
    if (scopes.length === 0) throw new errors.InvalidScope('none of the scopes of this client can be granted by its owner any more', '');
    return { userId: owner.id, role: owner.role, scopes };
  }
}

function clientMetadata(client: OAuthClientRow): ClientMetadata {
  return {
    client_id: client.id,
    client_secret: client.secretHash,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  };
}
