import type { GraphQLContext } from '@triad/platform';
import DataLoader from 'dataloader';
import type { UsersService, UserView } from './users.service.js';

/**
 * One loader per GraphQL request: every `User` the request needs, by id or as a federation reference from
 * another subgraph, is fetched in one batched query, as the requesting caller may see it.
 */
export function createUsersLoader(users: UsersService, context: GraphQLContext): DataLoader<string, UserView | undefined> {
  return new DataLoader(async (ids: readonly string[]) => {
    const found = await users.batchGetUsers(ids, await context.requireCaller());
    const byId = new Map(found.map((user) => [user.id, user]));
    return ids.map((id) => byId.get(id.toLowerCase()));
  });
}
