import { Injectable } from '@nestjs/common';
import {
  grantableApiScopes,
  hashRandomSecret,
  newRandomSecret,
  requireCaller,
  requireUserThemselves,
  uuidv7,
  type Caller,
} from '@triad/platform';
import type { OAuthClientRow } from '../db/schema.js';
import { parseNewOAuthClient, requireOAuthClientId } from './oauth-client-input.schema.js';
import { OAuthClientsErrors } from './oauth-clients.errors.js';
import { OAuthClientsRepository } from './oauth-clients.repository.js';

/** The most live clients one user may hold: enough for every script, few enough that a runaway one stops. */
export const MAX_LIVE_OAUTH_CLIENTS = 10;

/** A client as its owner sees it: never its secret, which is not stored. */
export interface OAuthClientView {
  clientId: string;
  name: string;
  scopes: string[];
  createdAt: Date;
}

/** A client just registered, with the one copy of its secret there will ever be. */
export interface CreatedOAuthClient {
  oauthClient: OAuthClientView;
  clientSecret: string;
}

const MANAGE = 'manage OAuth clients';

/**
 * The use cases of the OAuth clients users register for their own scripts. Only the user themselves may manage
 * them: a client acting for the user cannot register another or revoke one, so a leaked token cannot make itself
 * more. The authorization server reads the clients (see `auth/user-clients.ts`); this is the only writer.
 */
@Injectable()
export class OAuthClientsService {
  constructor(private readonly repository: OAuthClientsRepository) {}

  /** Registers a client with scopes the caller can grant; the secret is in the result and never stored. */
  async createOAuthClient(
    request: { name: string; scopes: readonly string[] },
    caller: Caller | undefined,
    now = new Date(),
  ): Promise<CreatedOAuthClient> {
    const owner = requireUserThemselves(requireCaller(caller), MANAGE);
    const { name, scopes } = parseNewOAuthClient(request, grantableApiScopes(owner.role));
    const clientSecret = newRandomSecret('triad_cs_');
    const row = await this.repository.insertWithinLimit(
      { id: uuidv7(now.getTime()), userId: owner.userId, name, scopes, secretHash: hashRandomSecret(clientSecret), createdAt: now },
      MAX_LIVE_OAUTH_CLIENTS,
    );
    if (!row) throw OAuthClientsErrors.limitReached(MAX_LIVE_OAUTH_CLIENTS);
    return { oauthClient: toView(row), clientSecret };
  }

  /** The caller's live clients, newest first. */
  async listOAuthClients(caller: Caller | undefined): Promise<OAuthClientView[]> {
    const owner = requireUserThemselves(requireCaller(caller), MANAGE);
    return (await this.repository.listLive(owner.userId)).map(toView);
  }

  /** Revokes one of the caller's clients at once; someone else's, or one already revoked, is NOT_FOUND. */
  async revokeOAuthClient(clientId: string, caller: Caller | undefined, now = new Date()): Promise<void> {
    const owner = requireUserThemselves(requireCaller(caller), MANAGE);
    const id = requireOAuthClientId(clientId);
    if (!(await this.repository.revoke(id, owner.userId, now))) throw OAuthClientsErrors.notFound(id);
  }
}

function toView(row: OAuthClientRow): OAuthClientView {
  return { clientId: row.id, name: row.name, scopes: row.scopes, createdAt: row.createdAt };
}
