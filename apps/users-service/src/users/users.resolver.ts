import { Args, Context, ID, Int, Mutation, Query, Resolver, ResolveReference } from '@nestjs/graphql';
import type { GraphQLContext } from '@triad/platform';
import { DomainError, PageInfoModel } from '@triad/platform';
import type DataLoader from 'dataloader';
import { AuthPayloadModel, SignUpInput, UserConnectionModel, UserModel, UserRoleModel } from './user.model.js';
import { UsersService, type AccessGrant, type UserView } from './users.service.js';

/** The context of users-service's subgraph: the platform's, plus a per-request batch loader of users. */
export interface UsersGraphQLContext extends GraphQLContext {
  usersById: DataLoader<string, UserView | undefined>;
}

/** The users subgraph: owns the `User` entity. Field-level visibility is decided by the use cases. */
@Resolver(() => UserModel)
export class UsersResolver {
  constructor(private readonly usersService: UsersService) {}

  @Query(() => UserModel, { nullable: true, description: 'The signed-in user, or null for an anonymous request.' })
  async me(@Context() context: UsersGraphQLContext): Promise<UserModel | null> {
    const caller = await context.caller();
    return caller ? toModel(await this.usersService.getUser(caller.userId, caller)) : null;
  }

  @Query(() => UserModel, { nullable: true, description: 'A user by id, or null when none has it. Needs a signed-in caller.' })
  async user(@Args('id', { type: () => ID }) id: string, @Context() context: UsersGraphQLContext): Promise<UserModel | null> {
    await context.requireCaller();
    const user = await context.usersById.load(id);
    return user ? toModel(user) : null;
  }

  @Query(() => UserConnectionModel, { description: 'All users, oldest first. Admins only.' })
  async users(
    @Context() context: UsersGraphQLContext,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string | null,
  ): Promise<UserConnectionModel> {
    const request = { pageSize: first, ...(after ? { pageToken: after } : {}) };
    const page = await this.usersService
      .listUsers(request, await context.caller())
      .catch((error: unknown) => Promise.reject(DomainError.renameFields(error, { page_size: 'first', page_token: 'after' })));
    return {
      nodes: page.users.map(toModel),
      pageInfo: PageInfoModel.fromNextPageToken(page.nextPageToken),
    };
  }

  @Mutation(() => AuthPayloadModel, { description: 'Creates a customer account and signs it in.' })
  async signUp(@Args('input') input: SignUpInput): Promise<AuthPayloadModel> {
    return toPayload(await this.usersService.signUp(input));
  }

  @Mutation(() => AuthPayloadModel, { description: 'Signs in with an email and password.' })
  async login(@Args('email') email: string, @Args('password') password: string): Promise<AuthPayloadModel> {
    return toPayload(await this.usersService.authenticate(email, password));
  }

  @ResolveReference()
  async resolveReference(reference: { id: string }, context: UsersGraphQLContext): Promise<UserModel | null> {
    const user = await context.usersById.load(reference.id);
    return user ? toModel(user) : null;
  }
}

function toModel(user: UserView): UserModel {
  return {
    id: user.id,
    email: user.email ?? null,
    name: user.name,
    role: user.role === 'admin' ? UserRoleModel.ADMIN : UserRoleModel.CUSTOMER,
    createdAt: user.createdAt,
  };
}

function toPayload(grant: AccessGrant): AuthPayloadModel {
  return { accessToken: grant.accessToken, expiresAt: grant.expiresAt, user: toModel(grant.user) };
}
