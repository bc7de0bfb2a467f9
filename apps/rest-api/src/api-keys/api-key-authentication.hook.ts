import { AccessTokens, currentRequestContext, runWithRequestContext } from '@triad/platform';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { RestApiConfig } from '../rest-api.config.js';
import { ApiKeysErrors } from './api-keys.errors.js';
import type { ApiKeysService } from './api-keys.service.js';

/** The header a client sends its API key in. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * How long the access token signed for one API-key request is valid. It is used only by the calls that
 * request makes, each bounded by GRPC_DEADLINE_MS (a stream checks it once, when it opens), so a minute is
 * ample, and a copy that leaks from a service's logs is soon worthless.
 */
const REQUEST_TOKEN_TTL_SECONDS = 60;

export interface ApiKeyAuthenticationSettings {
  apiKeys: ApiKeysService;
  /** The secret that services verify access tokens with. */
  config: Pick<RestApiConfig, 'NODE_ENV' | 'JWT_SECRET'>;
  /** The paths API keys open, with everything below: the REST resources. */
  pathPrefix: string;
}

/**
 * Authenticates every request under `pathPrefix` that carries `X-API-Key`, before routing: an unknown or
 * revoked key is answered 401, and a valid one counts a use and makes its owner the request's caller.
 *
 * The services know only access tokens, so the edge signs a short-lived one for the owner and runs the rest of
 * the request with it as the request context's authorization, which platform's gRPC client forwards on every
 * call. The owner's role is the one stored with the key (see `ApiKeysService.createApiKey`).
 */
export function addApiKeyAuthentication(fastify: FastifyInstance, settings: ApiKeyAuthenticationSettings): void {
  const tokens = new AccessTokens({ ...settings.config, JWT_TTL_SECONDS: REQUEST_TOKEN_TTL_SECONDS });
  fastify.addHook('onRequest', (request, _reply, done) => {
    const presented = request.headers[API_KEY_HEADER];
    if (presented === undefined || !request.url.startsWith(settings.pathPrefix)) return done();
    authenticate(request, presented, settings.apiKeys, tokens).then(
      (authorization) => runWithRequestContext({ ...currentRequestContext(), requestId: request.id, authorization }, done),
      (error: unknown) => done(error as FastifyError),
    );
  });
}

/** Verifies the key, records the caller on the request, and resolves the `Authorization` to forward. */
async function authenticate(
  request: FastifyRequest,
  presented: string | string[],
  apiKeys: ApiKeysService,
  tokens: AccessTokens,
): Promise<string> {
  // Two credentials could name two users; acting as either would surprise the client.
  if (request.headers.authorization !== undefined) throw ApiKeysErrors.twoCredentials();
  const { keyId, caller } = await apiKeys.authenticate(typeof presented === 'string' ? presented : '');
  request.apiKeyId = keyId;
  request.caller = caller;
  const { token } = await tokens.sign(caller);
  return `Bearer ${token}`;
}
