import { buildSchema, execute, parse, type GraphQLFieldResolver } from 'graphql';
import { describe, expect, it } from 'vitest';
import { gatewayData, gatewayDataField, type GatewayResult } from './supergraph-selection.js';

const schema = buildSchema(`
  type User { name: String! email: String }
  type Order { status: String! user: User! }
  type Query { order: Order! }
`);

/** Executes `query` as the subscription resolver does: `order` is the gateway's answer, read field by field. */
async function resolveFrom(result: GatewayResult, query: string) {
  const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) =>
    info.parentType.name === 'Query' ? gatewayData(result, 'order') : gatewayDataField(source, args, context, info);
  return JSON.parse(JSON.stringify(await execute({ schema, document: parse(query), fieldResolver })));
}

// No real subgraph raises an error on a nullable field below an order (users-service answers an email it may
// not show with null, and Apollo Gateway reports a subgraph it cannot reach with no path), so where such an
// error lands is specified here, on the gateway answer it would come in.
describe('gatewayData', () => {
  it('raises an error the gateway placed at a nullable field at that field, keeping the rest of the data', async () => {
    const error = {
      message: 'Only the user and admins can see an email address.',
      path: ['order', 'user', 'email'],
      extensions: { code: 'FORBIDDEN', errorCode: 'AUTH.PERMISSION_DENIED' },
    };
    const answer = { data: { order: { status: 'PENDING', user: { name: 'Alice Customer', email: null } } }, errors: [error] };

    expect(await resolveFrom(answer, '{ order { status user { name email } } }')).toEqual({
      data: { order: { status: 'PENDING', user: { name: 'Alice Customer', email: null } } },
      errors: [{ ...error, locations: expect.any(Array) }],
    });
  });

  it('fails the root field with an error it cannot place', async () => {
    const error = {
      message: 'The users service is unavailable; try again shortly.',
      extensions: { code: 'SERVICE_UNAVAILABLE', errorCode: 'GATEWAY.SUBGRAPH_UNAVAILABLE' },
    };
    const answer = { data: { order: { status: 'PENDING', user: { name: 'Alice Customer', email: null } } }, errors: [error] };

    expect(await resolveFrom(answer, '{ order { status user { email } } }')).toEqual({
      data: null,
      errors: [{ ...error, path: ['order'], locations: expect.any(Array) }],
    });
  });
});
