import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { hostileNumber, hostileString, leaksIn, wrongType } from './hostile-values.js';

/** A GraphQL request body as a client posts it (or something that pretends to be one). */
export type GraphQLBody = Record<string, unknown> | unknown[] | string;

/** Every query and mutation field of the public schema, named `Query.products`, `Mutation.signUp`, … */
export function rootFieldsOf(
  sdl: string,
): { name: string; schema: GraphQLSchema; field: GraphQLField<unknown, unknown>; operation: 'query' | 'mutation' }[] {
  const schema = buildSchema(sdl);
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  return roots.flatMap(([operation, type]) =>
    Object.values(type?.getFields() ?? {}).map((field) => ({ name: `${type?.name}.${field.name}`, schema, field, operation })),
  );
}

/** An operation that calls `field` with every argument a variable, and variables that are hostile for their types. */
export function hostileFieldRequests(field: GraphQLField<unknown, unknown>, operation: 'query' | 'mutation'): fc.Arbitrary<GraphQLBody> {
  const variables = field.args.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(', ');
  const callArguments = field.args.map((argument) => `${argument.name}: $${argument.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  const query = `${operation} Hostile${variables ? `(${variables})` : ''} { ${field.name}${callArguments ? `(${callArguments})` : ''}${selection} }`;
  return fc
    .tuple(...field.args.map((argument: GraphQLArgument) => fc.tuple(fc.constant(argument.name), hostileInput(argument.type, 0))))
    .map((entries) => ({ query, operationName: 'Hostile', variables: Object.fromEntries(entries) }));
}

function hostileInput(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
  const sometimesWrong = (arbitrary: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary }, { weight: 1, arbitrary: wrongType() });
  if (isNonNullType(type)) return hostileInput(type.ofType, depth);
  if (isListType(type)) return sometimesWrong(fc.array(hostileInput(type.ofType, depth + 1), { maxLength: depth > 1 ? 1 : 3 }));
  if (isInputObjectType(type)) {
    if (depth > 3) return wrongType();
    const fields = Object.values(type.getFields()).map((field) =>
      fc.option(fc.tuple(fc.constant(field.name), hostileInput(field.type, depth + 1)), { freq: 6 }),
    );
    return sometimesWrong(fc.tuple(...fields).map((entries) => Object.fromEntries(entries.filter((entry) => entry !== null))));
  }
  if (isEnumType(type)) return sometimesWrong(fc.oneof(fc.constantFrom(...type.getValues().map((value) => value.name)), hostileString()));
  if (type.name === 'Int' || type.name === 'Float') return sometimesWrong(hostileNumber());
  if (type.name === 'Boolean') return sometimesWrong(fc.boolean());
  return sometimesWrong(hostileString());
}

/** Requests that are hostile as documents: several operations, unknown names, bad syntax, wrong shapes. */
export function hostileDocuments(): fc.Arbitrary<GraphQLBody> {
  return fc.constantFrom<GraphQLBody>(
    { query: 'query A { me { id } } query B { me { id } }' },
    { query: 'query A { me { id } }', operationName: 'Nope' },
    { query: 'query A { me { id } }', operationName: 42 },
    { query: '{ me { id }' },
    { query: '' },
    { query: 123 },
    { query: null },
    { query: '{ me { id } }', variables: 'not an object' },
    { query: '{ me { id } }', variables: [1, 2] },
    { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
    { query: '{ me { id } }', extensions: { persistedQuery: { version: 99, sha256Hash: 'zz' } } },
    { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } },
    { extensions: { persistedQuery: 'x' } },
    [{ query: '{ me { id } }' }, { query: '{ me { id } }' }],
    'null',
    `{ ${Array.from({ length: 500 }, (_, index) => `a${index}: me { id }`).join(' ')} }`,
    { query: `{ me { ${'orders { nodes { user { '.repeat(40)}id${' } } }'.repeat(40)} } }` },
    { query: `{ me { id } }${' '.repeat(200_000)}` },
    {
      query:
        'mutation { login(email: "a@b.c", password: "x") { accessToken } login2: login(email: "a@b.c", password: "y") { accessToken } }',
    },
    { query: 'subscription { orderStatusChanged(orderId: "x") { status } }' },
    { query: '{ __schema { types { name } } }' },
  );
}

/** What is wrong with a GraphQL response: a 5xx, an internal error, an error without a code, a leak. */
export function graphQLProblems(response: { status: number; contentType: string; text: string }): string[] {
  const problems: string[] = [];
  if (response.status >= 500) problems.push(`answered ${response.status}`);
  problems.push(...leaksIn(response.text).map((leak) => `leaked ${leak}`));
  if (!response.contentType.includes('json'))
    return [...problems, `answered ${response.status} as ${response.contentType || 'no content type'}`];
  const body = JSON.parse(response.text) as { errors?: { extensions?: { code?: unknown } }[] };
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code !== 'string') problems.push('an error without extensions.code');
    else if (code === 'INTERNAL_SERVER_ERROR') problems.push('an INTERNAL_SERVER_ERROR');
  }
  if (response.status >= 400 && !body.errors?.length) problems.push(`answered ${response.status} without errors`);
  return problems;
}
