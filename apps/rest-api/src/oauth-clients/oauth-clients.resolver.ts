import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { OAuthClient, OAuthClientsServiceClient } from '@triad/contracts/users/v1';
import { DomainError, fromTimestamp, grantableApiScopes, unaryCall, USER_SCOPE_DESCRIPTIONS, type GraphQLContext } from '@triad/platform';
import { UserReference } from '../api-keys/api-key.model.js';
import { REST_API_CONFIG, type RestApiConfig } from '../rest-api.config.js';
import { CreatedOAuthClientModel, OAuthClientModel, OAuthScopeModel } from './oauth-client.model.js';
import { OAUTH_CLIENTS_CLIENT } from './oauth-clients-client.js';
import { tokenEndpointOf } from './oauth-clients.dto.js';

/**
 * rest-api's subgraph serves the OAuth clients beside the API keys, so the web app manages both the same way; they
 * are kept by users-service, which decides what the caller may do, over gRPC with the caller's token.
 */
@Resolver(() => OAuthClientModel)
export class OAuthClientsResolver {
  constructor(
    @Inject(OAUTH_CLIENTS_CLIENT) private readonly oauthClients: OAuthClientsServiceClient,
    @Inject(REST_API_CONFIG) private readonly config: RestApiConfig,
  ) {}

  @Query(() => [OAuthScopeModel], {
    description: 'The scopes you can give a client of yours: what you may do yourself. Needs a signed-in caller.',
  })
  async oauthScopes(@Context() context: GraphQLContext): Promise<OAuthScopeModel[]> {
    const { role } = await context.requireCaller();
    return grantableApiScopes(role).map((name) => ({ name, description: USER_SCOPE_DESCRIPTIONS[name] }));
  }

  @Mutation(() => CreatedOAuthClientModel, {
    description: 'Registers an OAuth client whose client-credentials tokens act for the signed-in user with `scopes`. At most 10 per user.',
  })
  async createOAuthClient(
    @Args('name') name: string,
    @Args('scopes', { type: () => [String] }) scopes: string[],
  ): Promise<CreatedOAuthClientModel> {
    const created = await unaryCall(this.oauthClients.createOAuthClient({ name, scopes }), 'users-service');
    return { oauthClient: toModel(created.oauthClient), clientSecret: created.clientSecret, tokenEndpoint: tokenEndpointOf(this.config) };
  }

  @Mutation(() => ID, {
    description: 'Revokes one of your OAuth clients: it gets no new token; those it holds end within 5 minutes. Returns its id.',
  })
  async revokeOAuthClient(@Args('clientId', { type: () => ID }) clientId: string): Promise<string> {
    await unaryCall(this.oauthClients.revokeOAuthClient({ clientId }), 'users-service');
    return clientId;
  }
}

/** Adds `oauthClients` to users-service's `User`. */
@Resolver(() => UserReference)
export class UserOAuthClientsResolver {
  constructor(@Inject(OAUTH_CLIENTS_CLIENT) private readonly clients: OAuthClientsServiceClient) {}

  @ResolveField(() => [OAuthClientModel], { description: "The user's OAuth clients, newest first. Only the user can see them." })
  async oauthClients(@Parent() user: UserReference, @Context() context: GraphQLContext): Promise<OAuthClientModel[]> {
    const caller = await context.requireCaller();
    if (caller.userId !== user.id) throw DomainError.permissionDenied('Only the user can see their OAuth clients.');
    const { oauthClients } = await unaryCall(this.clients.listOAuthClients({}), 'users-service');
    return oauthClients.map(toModel);
  }
}

function toModel(client: OAuthClient | undefined): OAuthClientModel {
  if (!client) throw new Error('users-service answered without the client');
  return {
    clientId: client.clientId,
    name: client.name,
    scopes: client.scopes,
    createdAt: fromTimestamp(client.createTime) ?? new Date(0),
  };
}
