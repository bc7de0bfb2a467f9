import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import type { GraphQLContext } from '@triad/platform';
import { ApiKeyModel, CreatedApiKeyModel, UserReference } from './api-key.model.js';
import { ApiKeysService, type ApiKeyView } from './api-keys.service.js';

/** rest-api's subgraph: API keys for frontends, which manage their user's keys through the gateway. */
@Resolver(() => ApiKeyModel)
export class ApiKeysResolver {
  constructor(private readonly apiKeysService: ApiKeysService) {}

  @Query(() => ApiKeyModel, {
    nullable: true,
    description: 'An API key by id, or null when none you may see has it. Needs a signed-in caller.',
  })
  async apiKey(@Args('id', { type: () => ID }) id: string, @Context() context: GraphQLContext): Promise<ApiKeyModel | null> {
    const key = await this.apiKeysService.findApiKey(id, await context.caller());
    return key ? toModel(key) : null;
  }

  @Mutation(() => CreatedApiKeyModel, {
    description: "Creates an API key that acts as the signed-in user, with the user's role as it is now.",
  })
  async createApiKey(@Args('name') name: string, @Context() context: GraphQLContext): Promise<CreatedApiKeyModel> {
    const { apiKey, secret } = await this.apiKeysService.createApiKey({ name }, await context.caller());
    return { apiKey: toModel(apiKey), secret };
  }

  @Mutation(() => ApiKeyModel, { description: 'Revokes an API key for good. Only its owner and admins can.' })
  async revokeApiKey(@Args('id', { type: () => ID }) id: string, @Context() context: GraphQLContext): Promise<ApiKeyModel> {
    return toModel(await this.apiKeysService.revokeApiKey(id, await context.caller()));
  }
}

/** Adds `apiKeys` to users-service's `User`. */
@Resolver(() => UserReference)
export class UserApiKeysResolver {
  constructor(private readonly apiKeysService: ApiKeysService) {}

  @ResolveField(() => [ApiKeyModel], {
    description: "The user's API keys, newest first, revoked ones included. Only the user and admins can see them.",
  })
  async apiKeys(@Parent() user: UserReference, @Context() context: GraphQLContext): Promise<ApiKeyModel[]> {
    const keys = await this.apiKeysService.listApiKeys(user.id, await context.caller());
    return keys.map(toModel);
  }

  @ResolveReference()
  resolveReference(reference: { id: string }): UserReference {
    return { id: reference.id };
  }
}

function toModel(key: ApiKeyView): ApiKeyModel {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
    requestsToday: key.requestsToday,
    user: { id: key.userId },
  };
}
