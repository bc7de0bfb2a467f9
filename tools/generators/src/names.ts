import type { Tree } from '@nx/devkit';

export const REGISTRY = 'libs/platform/src/system/registry.ts';

/** Every name a service is known by, derived from its domain (`reviews`) and resource (`review`). */
export interface ServiceNames {
  /** The domain, plural: `reviews`. Its scope tag, proto package segment and setting prefix. */
  scope: string;
  /** `REVIEWS`: the prefix of its settings. */
  SCOPE: string;
  /** `reviews-service` */
  service: string;
  /** `review`, `Review`, `reviews`, `Reviews`: the resource. */
  singular: string;
  Singular: string;
  plural: string;
  Plural: string;
  /** `reviews`: its table. */
  table: string;
  /** `triad.reviews.v1`, `ReviewsService`. */
  protoPackage: string;
  grpcService: string;
  /** `REVIEWS_SERVICE_NAME`, `TRIAD_REVIEWS_V1_PACKAGE_NAME`: the constants ts-proto generates. */
  serviceNameConstant: string;
  packageNameConstant: string;
  /** `REVIEWS_DATABASE`: the Nest token of its database. */
  databaseToken: string;
  /** The ports it gets: the next free ones after the registry's. */
  grpcPort: number;
  httpPort: number;
}

export function serviceNames(tree: Tree, name: string, resource?: string): ServiceNames {
  if (!/^[a-z][a-z0-9]{1,19}$/.test(name))
    throw new Error(`"${name}" is not a service name: use 2 to 20 lowercase letters and digits, such as reviews.`);
  const singular = resource ?? singularOf(name);
  if (!/^[a-z][a-z0-9]{1,19}$/.test(singular)) throw new Error(`"${singular}" is not a resource name: use lowercase letters and digits.`);
  const plural = name;
  if (plural === singular) throw new Error(`"${name}" reads as one ${singular}: name the domain with a plural noun, or pass --resource.`);
  const pascal = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
  const { grpcPort, httpPort } = nextPorts(tree.read(REGISTRY, 'utf-8') ?? '');
  return {
    scope: name,
    SCOPE: name.toUpperCase(),
    service: `${name}-service`,
    singular,
    Singular: pascal(singular),
    plural,
    Plural: pascal(plural),
    table: plural,
    protoPackage: `triad.${name}.v1`,
    grpcService: `${pascal(name)}Service`,
    serviceNameConstant: `${name.toUpperCase()}_SERVICE_NAME`,
    packageNameConstant: `TRIAD_${name.toUpperCase()}_V1_PACKAGE_NAME`,
    databaseToken: `${name.toUpperCase()}_DATABASE`,
    grpcPort,
    httpPort,
  };
}

/** `reviews` → `review`, `categories` → `category`, `addresses` → `address`; pass `--resource` where English disagrees. */
function singularOf(plural: string): string {
  if (plural.endsWith('ies')) return `${plural.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(plural)) return plural.slice(0, -2);
  if (plural.endsWith('s') && !plural.endsWith('ss')) return plural.slice(0, -1);
  return plural;
}

/** One past the highest gRPC port and the highest service HTTP port (below 4000 + 100) in the registry. */
function nextPorts(registry: string): { grpcPort: number; httpPort: number } {
  const grpc = [...registry.matchAll(/grpc: \{ port: (\d+)/g)].map((match) => Number(match[1]));
  const http = [...registry.matchAll(/http: \{ port: (\d+)/g)]
    .map((match) => Number(match[1]))
    .filter((port) => port > 4000 && port < 4100);
  return { grpcPort: Math.max(50050, ...grpc) + 1, httpPort: Math.max(4000, ...http) + 1 };
}

/** The names of a service already in the registry, with the ports it was given there. */
export function registeredServiceNames(tree: Tree, name: string): ServiceNames {
  const registry = tree.read(REGISTRY, 'utf-8') ?? '';
  const entry = new RegExp(`'${name}-service': \\{[^}]*?grpc: \\{ port: (\\d+)[^]*?http: \\{ port: (\\d+)`).exec(registry);
  if (!entry) throw new Error(`The registry has no ${name}-service.`);
  // The generated proto declares the resource first.
  const resource = /^message (\w+) \{/m.exec(tree.read(`proto/triad/${name}/v1/${name}_service.proto`, 'utf-8') ?? '')?.[1];
  return { ...serviceNames(tree, name, resource?.toLowerCase()), grpcPort: Number(entry[1]), httpPort: Number(entry[2]) };
}
