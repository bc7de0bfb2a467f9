import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AUTH_PATHS,
  grantableApiScopes,
  publicJwks,
  USER_TOKEN_AUDIENCE,
  serviceAudience,
  SERVICE_GRANTS,
  TOKEN_ALGORITHM,
  type PrivateSigningJwk,
  type ServiceClientId,
} from '@triad/platform';
import { hkdfSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, {
  errors,
  type Adapter,
  type ClientMetadata,
  type Configuration,
  type KoaContextWithOIDC,
  type ResourceServer,
} from 'oidc-provider';
import type { Logger } from 'pino';
import type { OAuthClientRow, UserRow } from '../db/schema.js';
import { isUserClientId, UserClients } from './user-clients.js';
import { OAUTH_TTL_SECONDS } from './oauth-lifetimes.js';

/** Service tokens are short-lived: a leaked one is soon worthless, and a caller renews it on its own. */
const SERVICE_TOKEN_TTL_SECONDS = 300;

/**
 * The first-party client for command-line tools and scripts: public (a native app holds no secret), so it
 * proves itself with PKCE, and redirects to a loopback address on any port (RFC 8252).
 */
const CLI_CLIENT: ClientMetadata = {
  client_id: 'triad-cli',
  client_name: 'Triad command line',
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1/callback'],
};

export interface AuthorizationServerSettings {
  issuer: string;
  keys: readonly PrivateSigningJwk[];
  /** Each service client's secret; a client without one is not registered, and says so in the log. */
  clientSecrets: Partial<Record<ServiceClientId, string>>;
  /** Where it keeps codes, refresh tokens, grants and sessions (`oauth_records`). */
  adapter: (model: string) => Adapter;
  /** The account a token is for, by user id. */
  findUser: (id: string) => Promise<UserRow | undefined>;
  /** The clients users register for their own scripts (`oauth_clients`), by client id; `undefined` once revoked. */
  findUserClient: (clientId: string) => Promise<OAuthClientRow | undefined>;
  logger: Logger;
}

/**
 * users-service as the system's OAuth 2.0 authorization server and OpenID provider, on `oidc-provider` (a
 * certified OpenID provider) rather than hand-written protocol code:
 * - client credentials, through which services prove who they are to each other: each registered service gets
 *   JWT access tokens (RFC 9068) for exactly the services and scopes `SERVICE_GRANTS` allows it;
 * - authorization code with PKCE, for clients acting for a user (`triad-cli`): the user signs in and consents
 *   on the pages of `sign-in-pages.ts`, and the client gets a JWT access token for Triad's APIs (audience
 *   `triad`) with the scopes consented to, which every process verifies as it verifies a user's own token, and
 *   a refresh token that each use replaces; a refresh token used twice revokes its whole grant;
 * - client credentials for the clients users register for their own scripts (`user-clients.ts`): their tokens act
 *   for the user, with the scopes the user chose, and are verified like those of the authorization code grant;
 * - discovery, userinfo, revocation and introspection.
 * Every token is signed with the same keys as user tokens and verified the same way.
 */
export function createAuthorizationServer(settings: AuthorizationServerSettings): Provider {
  const serviceClients = registeredClients(settings);
  const serviceClientIds = new Set(serviceClients.map((client) => client.client_id));
  const userClients = new UserClients({
    findClient: settings.findUserClient,
    findUser: settings.findUser,
    accessTokenTtlSeconds: OAUTH_TTL_SECONDS.accessToken,
  });
  /** The user's role: from the account the request already loaded (`findAccount`), else read once more. */
  const roleOf = async (context: KoaContextWithOIDC, accountId: string): Promise<UserRow['role'] | undefined> => {
    const loaded = context.oidc.account;
    if (loaded?.accountId === accountId && (loaded['role'] === 'customer' || loaded['role'] === 'admin')) return loaded['role'];
    return (await settings.findUser(accountId))?.role;
  };
  const configuration: Configuration = {
    // Clients come from the code (the services', triad-cli) or from `oauth_clients`; everything else from `oauth_records`.
    adapter: (model) => (model === 'Client' ? userClients.adapter() : settings.adapter(model)),
    clients: [...serviceClients, CLI_CLIENT],
    jwks: { keys: settings.keys.map((key) => ({ ...key })) },
    routes: { jwks: AUTH_PATHS.jwks },
    // Signs the sign-in session and interaction cookies. Derived from the signing key, so every replica holding
    // the key accepts the cookies of the others, and rotating the key signs everyone out.
    cookies: { keys: [cookieKey(settings.keys)] },
    clientDefaults: { id_token_signed_response_alg: TOKEN_ALGORITHM },
    // OpenID Connect's scopes. The API scopes (`orders:read`…) belong to the resource server of Triad's APIs below,
    // which offers each user only those they can grant: asked for by a customer, an admin scope is left out.
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    // A database that does not answer fails the request (the client may retry), rather than passing for an
    // account that is gone, which would end the grant.
    findAccount: async (_context, id) => {
      const user = await settings.findUser(id);
      if (!user) return undefined;
      return { accountId: user.id, role: user.role, claims: () => ({ sub: user.id, name: user.name, email: user.email }) };
    },
    interactions: { url: (_context, interaction) => `${SIGN_IN_PATH}/${interaction.uid}` },
    pkce: { required: () => true },
    // A refresh token only for a client that asked for one (`offline_access`), and only if it may use one.
    issueRefreshToken: (_context, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    // Who the user is, for every process that checks the token: the role decides what an admin may do, the scope
    // what this client may do for them.
    extraTokenClaims: async (context, token) => {
      if (!('accountId' in token) || !token.accountId) return undefined;
      const role = await roleOf(context, token.accountId);
      return role ? { role } : undefined;
    },
    // A user client's client-credentials token is its owner's: the library would name the client as `sub`.
    formats: {
      customizers: {
        jwt: async (_context, token, jwt) => {
          const { clientId } = token;
          if (token.kind === 'ClientCredentials' && clientId !== undefined && isUserClientId(clientId)) {
            await userClients.nameOwner(clientId, jwt.payload);
          }
        },
      },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // The services may introspect any token; a client of a user's, like a public one, only its own.
        allowedPolicy: async (_context, client, token) =>
          client.clientAuthMethod !== 'none' && !isUserClientId(client.clientId) ? true : token.clientId === client.clientId,
      },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A client acting for a user gets a token for Triad's APIs unless it names another resource.
        defaultResource: (_context, client, oneOf) => oneOf ?? (serviceClientIds.has(client.clientId) ? '' : USER_TOKEN_AUDIENCE),
        useGrantedResource: () => true,
        getResourceServerInfo: async (context, resource, client) => {
          if (isUserClientId(client.clientId)) return userClients.resourceServer(context, resource, client.clientId);
          if (resource !== USER_TOKEN_AUDIENCE || serviceClientIds.has(client.clientId)) return resourceServer(client.clientId, resource);
          // Once the user is known, only what they may do themselves: a customer is not asked for an admin scope.
          // Before (the request, ahead of signing in), every scope, so an admin's request keeps theirs: nothing is
          // granted until the user, known by then, consents.
          const accountId = context.oidc.account?.accountId ?? context.oidc.session?.accountId;
          return triadApis((accountId ? await roleOf(context, accountId) : undefined) ?? 'admin');
        },
      },
    },
    ttl: {
      ClientCredentials: (_context, token) => token.resourceServer?.accessTokenTTL ?? SERVICE_TOKEN_TTL_SECONDS,
      AccessToken: (_context, token) => token.resourceServer?.accessTokenTTL ?? OAUTH_TTL_SECONDS.accessToken,
      AuthorizationCode: OAUTH_TTL_SECONDS.authorizationCode,
      RefreshToken: OAUTH_TTL_SECONDS.refreshToken,
      Grant: OAUTH_TTL_SECONDS.refreshToken,
      Interaction: OAUTH_TTL_SECONDS.interaction,
      Session: OAUTH_TTL_SECONDS.session,
      IdToken: OAUTH_TTL_SECONDS.accessToken,
    },
  };
  const provider = new Provider(settings.issuer, configuration);
  // The addresses it publishes and redirects to are built from X-Forwarded-Host and X-Forwarded-Proto, which
  // `mountAuthorizationServer` sets from the issuer on every request: whatever the request says, they are the
  // public ones.
  provider.proxy = true;
  UserClients.compareHashedSecrets(provider);
  return provider;
}

/** Where a user signs in and consents during an authorization request (`sign-in-pages.ts`). */
export const SIGN_IN_PATH = '/sign-in';

/** Triad's APIs as a resource server: JWT access tokens for its audience, with the API scopes `role` can grant. */
function triadApis(role: UserRow['role']): ResourceServer {
  return {
    scope: grantableApiScopes(role).join(' '),
    audience: USER_TOKEN_AUDIENCE,
    accessTokenFormat: 'jwt',
    accessTokenTTL: OAUTH_TTL_SECONDS.accessToken,
    jwt: { sign: { alg: TOKEN_ALGORITHM } },
  };
}

/** A 32-byte key for oidc-provider's cookies, derived from the current signing key. */
function cookieKey(keys: readonly PrivateSigningJwk[]): string {
  const [current] = keys;
  if (!current) throw new Error('no signing key to derive the cookie key from');
  return Buffer.from(hkdfSync('sha256', Buffer.from(current.d, 'base64url'), 'triad', 'oidc-provider cookies', 32)).toString('base64url');
}

/**
 * Mounts the authorization server under `/oidc` and the public keys at `/.well-known/jwks.json`, where every
 * verifier in the system fetches them. Before Nest registers its routes' body parsers, so the provider reads
 * its own form bodies.
 */
export function mountAuthorizationServer(app: NestFastifyApplication, provider: Provider, keys: readonly PrivateSigningJwk[]): void {
  // Clients reach it at the issuer's address (the REST edge's public one), however a request got here: a Host or
  // X-Forwarded-* header of the caller's choosing must not change the endpoints discovery lists.
  const issuer = new URL(provider.issuer);
  app.use(AUTH_PATHS.authorizationServer, (request: IncomingMessage, _response: ServerResponse, next: () => void) => {
    request.headers['x-forwarded-host'] = issuer.host;
    request.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    next();
  });
  app.use(AUTH_PATHS.authorizationServer, provider.callback());
  const jwks = publicJwks(keys);
  app
    .getHttpAdapter()
    .getInstance()
    .get(AUTH_PATHS.jwks, (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(jwks));
}

function registeredClients(settings: AuthorizationServerSettings): ClientMetadata[] {
  return (Object.keys(SERVICE_GRANTS) as ServiceClientId[]).flatMap((clientId) => {
    const secret = settings.clientSecrets[clientId];
    if (!secret) {
      settings.logger.warn({ client: clientId }, `${clientId} has no client secret here, so it cannot call service-only RPCs`);
      return [];
    }
    return [
      {
        client_id: clientId,
        client_secret: secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ];
  });
}

/** The token a client may get for `resource`: the scopes `SERVICE_GRANTS` gives it there, or none at all. */
function resourceServer(clientId: string, resource: string): ResourceServer {
  const grants: Readonly<Record<string, readonly string[]>> = SERVICE_GRANTS[clientId as ServiceClientId] ?? {};
  const service = Object.keys(grants).find((name) => serviceAudience(name) === resource);
  if (service === undefined) throw new errors.InvalidTarget(`${clientId} may not call ${resource}`);
  return {
    scope: (grants[service] ?? []).join(' '),
    audience: resource,
    accessTokenFormat: 'jwt',
    accessTokenTTL: SERVICE_TOKEN_TTL_SECONDS,
    jwt: { sign: { alg: TOKEN_ALGORITHM } },
  };
}
