import httpProxy from '@fastify/http-proxy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CLIENT_ADDRESS_HEADER,
  SERVICE_GRANTS,
  SERVICE_TOKEN_METADATA_KEY,
  serviceAudience,
  type ServiceCredentials,
} from '@triad/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem.dto.js';
import { requestProblem } from '../problems/request-problem.js';

/**
 * The paths of users-service's authorization server that clients and browsers use: `/oidc/…` (discovery, the
 * authorization, token, revocation, introspection and userinfo endpoints, the JWKS) and `/sign-in/…` (its
 * sign-in and consent pages).
 */
const AUTHORIZATION_SERVER_PATHS = ['/oidc', '/sign-in'] as const;

declare module 'fastify' {
  interface FastifyRequest {
    /** rest-api's own token for users-service, beside which it names the client it forwards. */
    forwardingToken?: string;
  }
}

/**
 * Serves users-service's authorization server at the REST edge's public address (`AUTH_ISSUER` is
 * `<public REST address>/oidc`), so one address serves the API and signing in, and users-service stays off the
 * internet. Bodies pass through untouched (the token endpoint reads forms, which the API refuses). The client's
 * address goes along as on the edge's gRPC calls, beside the edge's own token, so that sign-ins through the
 * proxy are throttled per client; without that token a sign-in is refused (503) rather than counted as the
 * edge's own, which would let one client's wrong passwords throttle everyone. Forwarding headers a client sends
 * are dropped.
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
          preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
            // The token rest-api's gRPC calls to users-service carry, from the same cache.
            request.forwardingToken = await credentials
              .tokenFor(serviceAudience('users-service'), SERVICE_GRANTS['rest-api']['users-service'])
              .catch(() => undefined);
            if (!request.forwardingToken && request.method === 'POST' && request.url.startsWith('/sign-in/')) {
              await unavailable(request, reply);
            }
          },
          replyOptions: {
            // users-service unreachable: the API's own answer, not the proxy's.
            onError: (reply) => void unavailable(reply.request as FastifyRequest, reply as FastifyReply),
            rewriteRequestHeaders: (request, headers) => forwardedHeaders(request as FastifyRequest, headers as IncomingHttpHeaders),
          },
        });
      }
    });
}

function unavailable(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const detail = 'Signing in is unavailable for a moment; try again shortly.';
  return reply
    .status(503)
    .header('retry-after', '5')
    .type(PROBLEM_CONTENT_TYPE)
    .send(requestProblem(503, 'AUTH.SIGN_IN_UNAVAILABLE', detail, request.url, request.id));
}

function forwardedHeaders(request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const {
    [CLIENT_ADDRESS_HEADER]: _address,
    [SERVICE_TOKEN_METADATA_KEY]: _token,
    'x-forwarded-for': _for,
    'x-forwarded-host': _host,
    'x-forwarded-proto': _proto,
    forwarded: _forwarded,
    // Node has answered it already (100 Continue); the proxy's HTTP client refuses to send it on.
    expect: _expect,
    ...passed
  } = headers;
  return {
    ...passed,
    ...(request.forwardingToken
      ? { [CLIENT_ADDRESS_HEADER]: request.ip, [SERVICE_TOKEN_METADATA_KEY]: `Bearer ${request.forwardingToken}` }
      : {}),
  };
}
