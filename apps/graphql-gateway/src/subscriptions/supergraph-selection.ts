import {
  GraphQLError,
  print,
  visit,
  type ASTNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLResolveInfo,
} from 'graphql';

/** A query for the gateway's executor: the text and its variables. */
export interface SelectionQuery {
  query: string;
  variables: Record<string, unknown>;
}

/** What the gateway's executor answers. */
export interface GatewayResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/**
 * The query that fetches, through the supergraph, what a subscriber selected below the field being resolved:
 * `query ($id: ID!) { order(id: $id) { …their selection… } }` for `rootField` `order`, with the fragments and
 * variables that selection uses. Aliases are kept, so the answer is keyed as the subscriber asked; see
 * {@link gatewayDataField}. The same selection always gives the same text, so the gateway plans it once.
 */
export function selectionQuery(info: GraphQLResolveInfo, rootField: string, id: string): SelectionQuery {
  const selections = info.fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []);
  const { fragments, variables } = referencesIn(selections, info.fragments);
  let idVariable = 'id';
  while (variables.has(idVariable)) idVariable = `_${idVariable}`;
  const definitions = [
    `$${idVariable}: ID!`,
    ...(info.operation.variableDefinitions ?? []).filter((node) => variables.has(node.variable.name.value)).map(print),
  ];
  const query = [
    `query (${definitions.join(', ')}) { ${rootField}(id: $${idVariable}) { ${selections.map(print).join(' ')} } }`,
    ...fragments.map(print),
  ].join('\n');
  const values = Object.fromEntries([...variables].map((name) => [name, info.variableValues[name]]));
  return { query, variables: { ...values, [idVariable]: id } };
}

/** The fragments a selection spreads, however deeply, and the variables it and they use. */
function referencesIn(roots: readonly ASTNode[], known: Record<string, FragmentDefinitionNode>) {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const variables = new Set<string>();
  const pending = [...roots];
  for (let node = pending.pop(); node; node = pending.pop()) {
    visit(node, {
      FragmentSpread: (node) => {
        const fragment = known[node.name.value];
        if (!fragment || fragments.has(node.name.value)) return;
        fragments.set(node.name.value, fragment);
        pending.push(fragment);
      },
      Variable: (node) => {
        variables.add(node.name.value);
      },
    });
  }
  return { fragments: [...fragments.values()], variables };
}

/** Errors of a gateway answer, by the object and response key where the gateway's null for each landed. */
const errorsAt = new WeakMap<object, Map<string, GraphQLFormattedError>>();

/**
 * The value of `rootField` in a gateway answer, ready for {@link gatewayDataField}. Each error is attached where
 * its null landed, so graphql-js raises it at that field and nulls it as the schema says, just as the gateway
 * would: a failing nullable field stays a field error beside the rest of the data. An error that nulled the
 * root field itself, or that cannot be placed, is thrown here.
 */
export function gatewayData(result: GatewayResult, rootField: string): unknown {
  const root = { [rootField]: result.data?.[rootField] ?? null };
  for (const error of result.errors ?? []) {
    const landing = nullOnPath(root, error.path ?? []);
    if (!landing || landing.parent === root) throw asGraphQLError(error);
    const errors = errorsAt.get(landing.parent) ?? new Map<string, GraphQLFormattedError>();
    errors.set(landing.key, error);
    errorsAt.set(landing.parent, errors);
  }
  return root[rootField];
}

/**
 * The field resolver for everything below data from {@link gatewayData}: it reads each field by its response
 * key (the alias when there is one), and raises the gateway's error for a field the gateway left null.
 */
export function gatewayDataField(source: unknown, _args: unknown, _context: unknown, info: GraphQLResolveInfo): unknown {
  const key = String(info.path.key);
  const error = errorsAt.get(source as object)?.get(key);
  if (error) throw asGraphQLError(error);
  return (source as Record<string, unknown>)[key];
}

/** The object and key along `path` whose value is null, if the path leads to one through objects. */
function nullOnPath(root: object, path: readonly (string | number)[]): { parent: object; key: string } | undefined {
  let parent: unknown = root;
  for (const key of path) {
    if (typeof parent !== 'object' || parent === null || Array.isArray(parent) !== (typeof key === 'number')) return undefined;
    const value = (parent as Record<string | number, unknown>)[key];
    if (value === null || value === undefined) return typeof key === 'string' ? { parent, key } : undefined;
    parent = value;
  }
  return undefined;
}

/** An error the gateway already formatted, raised again with its message and codes. */
function asGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions } });
}
