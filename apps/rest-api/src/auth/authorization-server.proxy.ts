import httpProxy from '@fastify/http-proxy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CLIENT_ADDRESS_HEADER,
  SERVICE_GRANTS,
  SERVICE_TOKEN_METADATA_KEY,
  serviceAudience,
  type ServiceCredentials,
} from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The paths of users-service's authorization server that clients and browsers use: `/oidc/…` (discovery, the
 * authorization, token, revocation, introspection and userinfo endpoints, the JWKS) and `/sign-in/…` (its
 * sign-in and consent pages).
 */
export const AUTHORIZATION_SERVER_PATHS = ['/oidc', '/sign-in'] as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** rest-api's own token for users-service, beside which it names the client it forwards. */
    forwardingToken?: string;
  }
}

/**
 * Serves users-service's authorization server at the REST edge's public address, so that a client needs one
 * address for the API and for signing in (`AUTH_ISSUER` is `<public REST address>/oidc`), and users-service
 * stays off the internet. A reverse proxy (`@fastify/http-proxy`) that passes bodies through untouched (the
 * token endpoint reads forms, which the API refuses), says which host and scheme the client used
 * (`X-Forwarded-Host`, `X-Forwarded-Proto`: the addresses users-service publishes and redirects to are the
 * public ones), and names the client's address the way the edge does on gRPC calls (beside its own token), so
 * sign-ins through the proxy are throttled per client rather than all as the edge's own. What the client sent in
 * those headers is replaced, never passed on.
 */
export async function proxyAuthorizationServer(
  app: NestFastifyApplication,
  { upstream, credentials }: { upstream: string; credentials: ServiceCredentials },
): Promise<void> {
  await app
    .getHttpAdapter()
    .getInstance()
    .register(async (proxied) => {
      // Bodies reach users-service as they came: no parser of the API's in this scope.
      proxied.removeAllContentTypeParsers();
      for (const prefix of AUTHORIZATION_SERVER_PATHS) {
        await proxied.register(httpProxy, {
          upstream,
          prefix,
          rewritePrefix: prefix,
          preHandler: async (request: FastifyRequest) => {
            // The token rest-api's gRPC calls to users-service carry, from the same cache.
            request.forwardingToken = await credentials
              .tokenFor(serviceAudience('users-service'), SERVICE_GRANTS['rest-api']['users-service'])
              .catch(() => undefined);
          },
          replyOptions: {
            rewriteRequestHeaders: (request, headers) => forwardedHeaders(request as FastifyRequest, headers as IncomingHttpHeaders),
          },
        });
      }
    });
}

function forwardedHeaders(request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const {
    [CLIENT_ADDRESS_HEADER]: _address,
    [SERVICE_TOKEN_METADATA_KEY]: _token,
    'x-forwarded-for': _for,
    'x-forwarded-host': _host,
    'x-forwarded-proto': _proto,
    forwarded: _forwarded,
    ...passed
  } = headers;
  return {
    ...passed,
    'x-forwarded-host': request.host,
    'x-forwarded-proto': request.protocol,
    // Without the edge's token users-service would ignore the address anyway, and count the edge's own.
    ...(request.forwardingToken
      ? { [CLIENT_ADDRESS_HEADER]: request.ip, [SERVICE_TOKEN_METADATA_KEY]: `Bearer ${request.forwardingToken}` }
      : {}),
  };
}
