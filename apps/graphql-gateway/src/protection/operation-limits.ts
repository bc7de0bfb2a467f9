import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLInt,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What one operation may ask for; the gateway's config sets each. */
export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

/** Mutations that each run a deliberately slow password hash: one per operation, so one request is one guess. */
const CREDENTIAL_FIELDS = new Set(['login', 'signUp']);

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

const NOTHING: Measure = { depth: 0, cost: 0, aliases: 0 };

/**
 * The first limit an operation breaks, as the error to send, or `undefined` when it keeps to all of them.
 * Counted statically, before anything runs:
 * - depth: levels of nested fields (`{ me { id } }` is 2);
 * - cost: every field costs 1, and a field with a `first` argument (a page) costs `first` times itself and
 *   everything below it, using the argument's default when the operation leaves it out;
 * - aliases: every aliased field, wherever it is;
 * - at most one `login` or `signUp` per operation.
 * Fragments count each time they are spread, so a fragment spread many times cannot hide its cost. The
 * introspection fields `__schema` and `__type` are left out: GRAPHQL_INTROSPECTION governs them.
 */
export function limitViolation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: OperationLimits,
): GraphQLError | undefined {
  const fragments = new Map(
    document.definitions.filter((node) => node.kind === Kind.FRAGMENT_DEFINITION).map((node) => [node.name.value, node]),
  );
  const credentialFields =
    operation.operation === 'mutation'
      ? rootFieldNames(operation.selectionSet, fragments).filter((name) => CREDENTIAL_FIELDS.has(name)).length
      : 0;
  if (credentialFields > 1) {
    return limitError(
      'GATEWAY.ONE_SIGN_IN_PER_OPERATION',
      `The operation calls login or signUp ${credentialFields} times; the limit is 1 per operation: send each in its own request.`,
    );
  }
  // Coerced, so a variable's default counts; invalid variables fail execution later with their own error.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables).coerced ?? variables;
  const measure = new Measurer(schema, fragments, coerced).selectionSet(operation.selectionSet, schema.getRootType(operation.operation));
  if (measure.aliases > limits.maxAliases) {
    return limitError('GATEWAY.MAX_ALIASES_EXCEEDED', `The operation uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}.`);
  }
  if (measure.depth > limits.maxDepth) {
    return limitError(
      'GATEWAY.MAX_DEPTH_EXCEEDED',
      `The operation nests fields ${measure.depth} levels deep; the limit is ${limits.maxDepth}: ask for fewer nested levels.`,
    );
  }
  if (measure.cost > limits.maxCost) {
    return limitError(
      'GATEWAY.MAX_COST_EXCEEDED',
      `The operation's cost is ${measure.cost}; the limit is ${limits.maxCost}. Each field costs 1 and a page of \`first: n\` costs n times ` +
        'what it selects: ask for smaller pages or fewer fields.',
    );
  }
  return undefined;
}

/** A validation error with a stable code, answered with HTTP 400 like GraphQL's own validation errors. */
function limitError(errorCode: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', errorCode, http: { status: 400 } } });
}

/** Sizes of selection sets; each fragment is measured once and reused wherever it is spread. */
class Measurer {
  private readonly measured = new Map<string, Measure>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLNamedType | null | undefined): Measure {
    const total = { ...NOTHING };
    for (const selection of selectionSet.selections) {
      const part =
        selection.kind === Kind.FIELD
          ? this.field(selection, parent)
          : selection.kind === Kind.INLINE_FRAGMENT
            ? this.selectionSet(
                selection.selectionSet,
                selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent,
              )
            : this.fragment(selection.name.value);
      total.depth = Math.max(total.depth, part.depth);
      total.cost += part.cost;
      total.aliases += part.aliases;
    }
    return total;
  }

  private field(node: FieldNode, parent: GraphQLNamedType | null | undefined): Measure {
    const aliases = node.alias ? 1 : 0;
    if (node.name.value === '__schema' || node.name.value === '__type') return { ...NOTHING, aliases };
    const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
    const below = node.selectionSet ? this.selectionSet(node.selectionSet, definition && getNamedType(definition.type)) : NOTHING;
    return {
      depth: 1 + below.depth,
      cost: this.pageSize(node, definition?.args.find((arg) => arg.name === 'first')?.defaultValue) * (1 + below.cost),
      aliases: aliases + below.aliases,
    };
  }

  private fragment(name: string): Measure {
    const known = this.measured.get(name);
    if (known) return known;
    // Seeded first, so a fragment that spreads itself (which validation refuses) cannot loop.
    this.measured.set(name, NOTHING);
    const fragment = this.fragments.get(name);
    const measure = fragment ? this.selectionSet(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value)) : NOTHING;
    this.measured.set(name, measure);
    return measure;
  }

  /** The `first` a field is called with, literal, variable or default; 1 for a field that takes none. */
  private pageSize(node: FieldNode, fallback: unknown): number {
    const argument = node.arguments?.find((arg) => arg.name.value === 'first');
    const value = (argument && valueFromAST(argument.value, GraphQLInt, this.variables)) ?? fallback;
    return typeof value === 'number' && value > 1 ? value : 1;
  }
}

/** The names of the fields an operation selects at its root, through fragments. */
function rootFieldNames(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? rootFieldNames(fragment.selectionSet, fragments) : [];
  });
}
