import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StartupError } from '@triad/platform';
import { GraphQLError, Kind, parse, type EnumTypeDefinitionNode } from 'graphql';

/** The supergraph composed at build time and checked in; `src/` and `dist/` both sit under the project root. */
export const SUPERGRAPH_PATH = fileURLToPath(new URL('../../supergraph/supergraph.graphql', import.meta.url));

export interface Supergraph {
  sdl: string;
  /** The subgraphs it routes to, by the names they have in supergraph.yaml. */
  subgraphNames: readonly string[];
}

/** Reads the checked-in supergraph. The gateway never composes or introspects at run time. */
export function loadSupergraph(path = SUPERGRAPH_PATH): Supergraph {
  let sdl: string;
  try {
    sdl = readFileSync(path, 'utf8');
  } catch {
    throw new StartupError(`Cannot read the supergraph at ${path}: run npm run supergraph:compose.`);
  }
  return { sdl, subgraphNames: subgraphNamesOf(sdl, path) };
}

/** Composition lists every subgraph as a value of `enum join__Graph` with `@join__graph(name: "…")`. */
function subgraphNamesOf(sdl: string, path: string): string[] {
  let graphs: EnumTypeDefinitionNode | undefined;
  try {
    graphs = parse(sdl).definitions.find(
      (node): node is EnumTypeDefinitionNode => node.kind === Kind.ENUM_TYPE_DEFINITION && node.name.value === 'join__Graph',
    );
  } catch (error) {
    if (error instanceof GraphQLError)
      throw new StartupError(`${path} is not valid GraphQL (${error.message}): run npm run supergraph:compose.`);
    throw error;
  }
  if (!graphs) throw new StartupError(`${path} is not a supergraph (no join__Graph): run npm run supergraph:compose.`);
  return (graphs.values ?? []).flatMap((value) => {
    const name = value.directives
      ?.find((directive) => directive.name.value === 'join__graph')
      ?.arguments?.find((argument) => argument.name.value === 'name')?.value;
    return name?.kind === Kind.STRING ? [name.value] : [];
  });
}
