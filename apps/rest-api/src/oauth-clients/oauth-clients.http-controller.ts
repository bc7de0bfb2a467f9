import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { OAuthClientsServiceClient } from '@triad/contracts/users/v1';
import { unaryCall } from '@triad/platform';
import type { FastifyReply } from 'fastify';
import { RequireAccessToken } from '../auth/caller-auth.guard.js';
import { Cacheable } from '../http/http-cache.hook.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { REST_API_CONFIG, type RestApiConfig } from '../rest-api.config.js';
import { OAUTH_CLIENTS_CLIENT } from './oauth-clients-client.js';
import {
  CreatedOAuthClientResource,
  CreateOAuthClientBody,
  OAuthClientListResource,
  toCreatedOAuthClientResource,
  toOAuthClientResource,
  tokenEndpointOf,
} from './oauth-clients.dto.js';

const USER_ONLY = {
  status: 403,
  description: "Sent with an API key or with a token of a client acting for the user (`AUTH.USER_ONLY`): send the user's own access token.",
};

/**
 * `/v1/oauth-clients`: the OAuth 2.0 clients the signed-in user registers for their own scripts, kept by users-service
 * (the authorization server), which decides what the caller may do; this controller only translates. Only the user's
 * own access token manages them: an API key is refused here, a token with scopes by users-service.
 */
@ApiTags('oauth-clients')
@Controller('v1/oauth-clients')
@RequireAccessToken()
export class OAuthClientsHttpController {
  private readonly tokenEndpoint: string;

  constructor(
    @Inject(OAUTH_CLIENTS_CLIENT) private readonly oauthClients: OAuthClientsServiceClient,
    @Inject(REST_API_CONFIG) config: RestApiConfig,
  ) {
    this.tokenEndpoint = tokenEndpointOf(config);
  }

  @Post()
  @HttpCode(201)
  // The only response that ever holds the secret: no cache may keep it.
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'createOAuthClient',
    summary: 'Register an OAuth client',
    description:
      'A confidential client for the client-credentials grant: its tokens act for the signed-in user with the chosen scopes. ' +
      'Its secret is in this response and never again. A user holds at most 10 clients.',
  })
  @ApiCreatedResponse({
    type: CreatedOAuthClientResource,
    description: 'The new client, with its secret.',
    headers: { Location: { description: 'Where the list of your clients is.', schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, USER_ONLY, {
    status: 422,
    description: 'You already hold 10 clients (`OAUTH_CLIENTS.LIMIT_REACHED`): revoke one first.',
  })
  async createOAuthClient(
    @Body() body: CreateOAuthClientBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedOAuthClientResource> {
    const created = await unaryCall(this.oauthClients.createOAuthClient({ name: body.name, scopes: body.scopes }), 'users-service');
    void reply.header('location', '/v1/oauth-clients');
    return toCreatedOAuthClientResource(created, this.tokenEndpoint);
  }

  @Get()
  @Cacheable('private')
  @ApiOperation({
    operationId: 'listOAuthClients',
    summary: 'List your OAuth clients',
    description: 'Newest first; revoked clients are gone.',
  })
  @ApiOkResponse({ type: OAuthClientListResource, description: "The caller's clients, without their secrets." })
  @ApiProblemResponses(USER_ONLY)
  async listOAuthClients(): Promise<OAuthClientListResource> {
    const { oauthClients } = await unaryCall(this.oauthClients.listOAuthClients({}), 'users-service');
    return { oauth_clients: oauthClients.map(toOAuthClientResource) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeOAuthClient',
    summary: 'Revoke an OAuth client',
    description:
      'From now on the client gets no new token (`invalid_client`); the access tokens it already holds end when they expire, ' +
      'within 5 minutes.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The client_id of the client.' })
  @ApiNoContentResponse({ description: 'The client is revoked.' })
  @ApiProblemResponses(400, USER_ONLY, { status: 404, description: 'You have no live client with this id: ids cannot be probed.' })
  async revokeOAuthClient(@Param('id') id: string): Promise<void> {
    await unaryCall(this.oauthClients.revokeOAuthClient({ clientId: id }), 'users-service');
  }
}
