import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { API_KEY_HEADER } from '../api-keys/api-key-authentication.hook.js';
import { AuthModule } from '../auth/auth.module.js';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../auth/caller-auth.guard.js';
import { documentBodyLimits } from '../http/body-limit.hook.js';
import { RATE_LIMITED_RESPONSE } from '../http/rate-limit.hook.js';
import { OrdersModule } from '../orders/orders.module.js';
import { problemResponse } from '../problems/api-problem-responses.decorator.js';
import { OAuthClientsModule } from '../oauth-clients/oauth-clients.module.js';
import { ProblemResource } from '../problems/problem.dto.js';
import { ProductsModule } from '../products/products.module.js';
import { UsersModule } from '../users/users.module.js';

/** Where the document and its browsable form are served. */
export const OPENAPI_JSON_PATH = '/openapi.json';
export const SWAGGER_UI_PATH = '/docs';

/**
 * The OpenAPI 3.1 document of the public API, generated from the controllers and DTOs. Only the `/v1`
 * feature modules are described: `/healthz` and `/readyz` are for orchestrators, and the `/graphql` subgraph
 * for the gateway, not API clients.
 */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Triad REST API')
    .setDescription(
      'The public REST edge of Triad. Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`; ' +
        'every response carries an `x-request-id` header. ' +
        'Authenticate with an access token (`Authorization: Bearer`) or, from scripts and servers, an API key (`X-API-Key`). ' +
        'GET responses carry an `ETag`: send it back as `If-None-Match` to get 304 while your copy is current. ' +
        'Lists link their next page in a `Link: <…>; rel="next"` header. ' +
        'A method a path does not support is answered 405, with the methods it does support in `Allow`. ' +
        'Each client may send a limited number of requests a minute; `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` say where it stands.',
    )
    .setVersion('1.0.0')
    .addTag('auth', 'Signing in.')
    .addTag('users', 'Accounts.')
    .addTag('products', 'The catalog, open to everyone.')
    .addTag('orders', 'Placing, following and cancelling orders.')
    .addTag('api-keys', 'Keys for scripts and servers, managed by a signed-in user.')
    .addTag(
      'oauth-clients',
      'OAuth 2.0 clients for your own scripts (client credentials, with the scopes you choose), managed by a signed-in user.',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'An access token from `POST /v1/auth/token`, or one an OAuth 2.0 client got for a user at the token endpoint ' +
          '(`/oidc/token`), which is limited to its scopes.',
      },
      BEARER_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: API_KEY_HEADER,
        description:
          'An API key from `POST /v1/api-keys`: acts as the user who created it, with their role at that time. ' +
          'Send it instead of an access token, never with one.',
      },
      API_KEY_SCHEME,
    )
    // Any operation can fail on our side or in a backend service, be rate limited, or be sent a key that is not
    // valid (even one that needs no caller), so these are documented once for all.
    .addGlobalResponse(
      RATE_LIMITED_RESPONSE,
      problemResponse(
        401,
        'The API key in `X-API-Key` is not one this API issued (`AUTH.INVALID_API_KEY`) or was revoked (`AUTH.API_KEY_REVOKED`).',
      ),
      problemResponse(500),
      problemResponse(503),
      problemResponse(504),
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    include: [AuthModule, UsersModule, ProductsModule, OrdersModule, ApiKeysModule, OAuthClientsModule],
    extraModels: [ProblemResource],
  });
  return documentBodyLimits(document);
}

/**
 * Serves the document at `/openapi.json` and Swagger UI at `/docs`. The UI's scripts and styles come from the
 * swagger-ui-dist package on disk (through @fastify/static), never from a CDN, so the docs work offline.
 */
export function serveOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup(SWAGGER_UI_PATH, app, () => openApiDocument(app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'Triad REST API',
  });
}
