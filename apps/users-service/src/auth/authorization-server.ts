import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  AUTH_PATHS,
  publicJwks,
  serviceAudience,
  SERVICE_GRANTS,
  TOKEN_ALGORITHM,
  type PrivateSigningJwk,
  type ServiceClientId,
} from '@triad/platform';
import { randomBytes } from 'node:crypto';
import Provider, { errors, type ClientMetadata, type Configuration, type ResourceServer } from 'oidc-provider';
import type { Logger } from 'pino';

/** Service tokens are short-lived: a leaked one is soon worthless, and a caller renews it on its own. */
const SERVICE_TOKEN_TTL_SECONDS = 300;

export interface AuthorizationServerSettings {
  issuer: string;
  keys: readonly PrivateSigningJwk[];
  /** Each service client's secret; a client without one is not registered, and says so in the log. */
  clientSecrets: Partial<Record<ServiceClientId, string>>;
  logger: Logger;
}

/**
 * users-service as the system's OAuth 2.0 authorization server, on `oidc-provider` (a certified OpenID
 * provider) rather than hand-written protocol code. For now it serves the client-credentials grant through
 * which services prove who they are to each other: each registered service gets JWT access tokens
 * (RFC 9068) for exactly the services and scopes `SERVICE_GRANTS` allows it, signed with the same keys as
 * user tokens and verified the same way. Interactive grants (authorization code + PKCE) extend this
 * configuration; they will need a persistent adapter for their grants and sessions.
 */
export function createAuthorizationServer(settings: AuthorizationServerSettings): Provider {
  const clients = registeredClients(settings);
  const configuration: Configuration = {
    // Nothing is stored for client credentials with JWT access tokens; a persistent adapter comes with the
    // grants that need one.
    adapter: NoStorageAdapter,
    clients,
    jwks: { keys: settings.keys.map((key) => ({ ...key })) },
    routes: { jwks: AUTH_PATHS.jwks },
    // Used by interactive flows only; a fresh value per process, since none are enabled yet.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clientDefaults: { id_token_signed_response_alg: TOKEN_ALGORITHM },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_context, _client, oneOf) => oneOf ?? '',
        useGrantedResource: () => true,
        getResourceServerInfo: (_context, resource, client) => resourceServer(client.clientId, resource),
      },
    },
    ttl: {
      ClientCredentials: (_context, token) => token.resourceServer?.accessTokenTTL ?? SERVICE_TOKEN_TTL_SECONDS,
      AccessToken: (_context, token) => token.resourceServer?.accessTokenTTL ?? SERVICE_TOKEN_TTL_SECONDS,
    },
  };
  return new Provider(settings.issuer, configuration);
}

/**
 * Mounts the authorization server under `/oidc` and the public keys at `/.well-known/jwks.json`, where every
 * verifier in the system fetches them. Before Nest registers its routes' body parsers, so the provider reads
 * its own form bodies.
 */
export function mountAuthorizationServer(app: NestFastifyApplication, provider: Provider, keys: readonly PrivateSigningJwk[]): void {
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

/** oidc-provider's storage, for grants that store nothing: every lookup finds nothing. */
class NoStorageAdapter {
  async upsert(): Promise<void> {
    // Nothing is kept: the tokens are self-contained JWTs.
  }
  async find(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {
    // Nothing was kept to consume.
  }
  async destroy(): Promise<void> {
    // Nothing was kept to destroy.
  }
  async revokeByGrantId(): Promise<void> {
    // No grant is kept to revoke.
  }
}
