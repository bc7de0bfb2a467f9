import { buildSchema, getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitViolation, type OperationLimits } from './operation-limits.js';

const schema = buildSchema(`
  type User { id: ID! name: String! friends(first: Int = 20): UserPage! }
  type UserPage { nodes: [User!]! }
  type Query { me: User users(first: Int = 20): UserPage! }
  type Mutation { login(email: String!): String signUp(email: String!): String logout: Boolean }
`);
const generous: OperationLimits = { maxDepth: 100, maxCost: 1_000_000, maxAliases: 100 };

/** The message of the limit `query` breaks, or undefined when it keeps to them all. */
function violation(query: string, limits: Partial<OperationLimits> = {}, variables: Record<string, unknown> = {}): string | undefined {
  const document = parse(query);
  return limitViolation(schema, document, getOperationAST(document)!, variables, { ...generous, ...limits })?.message;
}

describe('operation limits', () => {
  it('counts depth in levels of nested fields, through fragments', () => {
    const query = '{ me { ...Named } } fragment Named on User { friends { nodes { name } } }';

    expect(violation(query, { maxDepth: 4 })).toBeUndefined();
    expect(violation(query, { maxDepth: 3 })).toBe(
      'The operation nests fields 4 levels deep; the limit is 3: ask for fewer nested levels.',
    );
  });

  it('costs a page `first` times what it selects, whether `first` is written, a variable or left to its default', () => {
    const overLimit = (cost: number) =>
      `The operation's cost is ${cost}; the limit is 10. Each field costs 1 and a page of \`first: n\` costs n times what it selects: ask for smaller pages or fewer fields.`;

    expect(violation('{ users(first: 5) { nodes { id name } } }', { maxCost: 10 })).toBe(overLimit(20));
    expect(violation('query ($n: Int) { users(first: $n) { nodes { id } } }', { maxCost: 10 }, { n: 50 })).toBe(overLimit(150));
    expect(violation('query ($n: Int = 4) { users(first: $n) { nodes { id } } }', { maxCost: 10 })).toBe(overLimit(12));
    expect(violation('{ users { nodes { id } } }', { maxCost: 10 })).toBe(overLimit(60));
    expect(violation('{ users(first: 2) { nodes { friends(first: 3) { nodes { id } } } } }', { maxCost: 10 })).toBe(overLimit(22));
    expect(violation('{ me { id name } }', { maxCost: 3 })).toBeUndefined();
  });

  it('counts a fragment each time it is spread, so nested spreads cannot hide their cost', () => {
    const fragments = Array.from({ length: 12 }, (_, level) => `fragment F${level} on User { ...F${level + 1} ...F${level + 1} }`);
    const query = `{ me { ...F0 } } ${fragments.join(' ')} fragment F12 on User { id }`;

    expect(violation(query, { maxCost: 4096 })).toMatch(/^The operation's cost is 4097;/);
  });

  it('counts every alias, in fragments too', () => {
    const query = '{ a: me { id } b: me { ...N } } fragment N on User { c: name d: name }';

    expect(violation(query, { maxAliases: 4 })).toBeUndefined();
    expect(violation(query, { maxAliases: 3 })).toBe('The operation uses 4 aliases; the limit is 3.');
  });

  it('allows one login or signUp per operation, however they are spelled', () => {
    const twice = 'The operation calls login or signUp 2 times; the limit is 1 per operation: send each in its own request.';

    expect(violation('mutation { login(email: "a") logout }')).toBeUndefined();
    expect(violation('mutation { a: login(email: "a") b: login(email: "b") }')).toBe(twice);
    expect(violation('mutation { login(email: "a") ...Join } fragment Join on Mutation { signUp(email: "b") }')).toBe(twice);
  });

  it("leaves introspection to GRAPHQL_INTROSPECTION: the IDE's schema query passes the tightest limits", () => {
    expect(violation(getIntrospectionQuery(), { maxDepth: 1, maxCost: 1 })).toBeUndefined();
  });

  it('names a stable code, and HTTP 400 for Apollo to answer with', () => {
    const document = parse('{ me { id } }');
    const error = limitViolation(schema, document, getOperationAST(document)!, {}, { ...generous, maxDepth: 1 });

    expect(error?.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      errorCode: 'GATEWAY.MAX_DEPTH_EXCEEDED',
      http: { status: 400 },
    });
  });
});
