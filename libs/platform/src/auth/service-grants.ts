/** The scopes of the RPCs that only services may call, each named for what it allows. */
export const SERVICE_SCOPES = {
  /** catalog-service's ReserveStock and ReleaseStock. */
  catalogStock: 'catalog:stock',
  /** users-service's CreateDelegatedToken: acting for a user whose credential the caller checked. */
  usersDelegate: 'users:delegate',
  /** users-service's SessionsService: the browser sessions the gateway holds for the web app. */
  usersSessions: 'users:sessions',
  /** Any RPC of users-service: the client address the caller forwards is taken as the call's (see ClientAddresses). */
  forwardClient: 'clients:forward',
} as const;

/**
 * The calls between services that need a service's own identity: which client may get which scopes for
 * which service. users-service's authorization server grants nothing else, and each caller asks for exactly
 * these, so this one table is the system's service-to-service policy.
 */
export const SERVICE_GRANTS = {
  'orders-service': { 'catalog-service': [SERVICE_SCOPES.catalogStock] },
  'rest-api': { 'users-service': [SERVICE_SCOPES.usersDelegate, SERVICE_SCOPES.forwardClient] },
  'graphql-gateway': { 'users-service': [SERVICE_SCOPES.forwardClient, SERVICE_SCOPES.usersSessions] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

export type ServiceClientId = keyof typeof SERVICE_GRANTS;
