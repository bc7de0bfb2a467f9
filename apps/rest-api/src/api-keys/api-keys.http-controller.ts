import { Body, Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Caller } from '@triad/platform';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, RequireAccessToken } from '../auth/caller-auth.guard.js';
import { Cacheable } from '../http/http-cache.hook.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import {
  ApiKeyListResource,
  ApiKeyResource,
  CreateApiKeyBody,
  CreatedApiKeyResource,
  toApiKeyResource,
  toCreatedApiKeyResource,
} from './api-keys.dto.js';
import { ApiKeysErrors } from './api-keys.errors.js';
import { ApiKeysService } from './api-keys.service.js';

const apiKeyIdParam = ApiParam({ name: 'id', format: 'uuid', description: 'The id of the API key.' });

/**
 * `/v1/api-keys`: the signed-in user's keys for scripts and servers. rest-api owns them, so this controller
 * calls its own use cases rather than a service over gRPC.
 */
@ApiTags('api-keys')
@Controller('v1/api-keys')
@RequireAccessToken()
export class ApiKeysHttpController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  // The only response that ever holds the secret: no cache may keep it.
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description: 'The key acts as the signed-in user, with their role as it is now. Its secret is in this response and never again.',
  })
  @ApiCreatedResponse({
    type: CreatedApiKeyResource,
    description: 'The new key, with its secret.',
    headers: { Location: { description: 'The URL of the new key.', schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400)
  async createApiKey(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateApiKeyBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedApiKeyResource> {
    const created = toCreatedApiKeyResource(await this.apiKeys.createApiKey({ name: body.name }, caller));
    void reply.header('location', `/v1/api-keys/${created.id}`);
    return created;
  }

  @Get()
  @Cacheable('private')
  @ApiOperation({ operationId: 'listApiKeys', summary: 'List your API keys', description: 'Newest first, revoked keys included.' })
  @ApiOkResponse({ type: ApiKeyListResource, description: "The caller's keys, without their secrets." })
  async listApiKeys(@CurrentCaller() caller: Caller): Promise<ApiKeyListResource> {
    const keys = await this.apiKeys.listApiKeys(caller.userId, caller);
    return { api_keys: keys.map(toApiKeyResource) };
  }

  // The id pattern keeps `{id}:revoke` below from matching here; see OrdersHttpController.cancelOrder.
  @Get(':id(^[^:]+)')
  @Cacheable('private')
  @ApiOperation({ operationId: 'getApiKey', summary: 'Get an API key', description: 'Only its owner and admins can see a key.' })
  @apiKeyIdParam
  @ApiOkResponse({ type: ApiKeyResource, description: 'The key, without its secret.' })
  @ApiProblemResponses(400, { status: 404, description: 'No key has this id, or it belongs to someone else: ids cannot be probed.' })
  async getApiKey(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<ApiKeyResource> {
    const key = await this.apiKeys.findApiKey(id, caller);
    if (!key) throw ApiKeysErrors.notFound(id);
    return toApiKeyResource(key);
  }

  @Post(':id(^[^:]+)::revoke')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'From now on the key is refused with 401. Only its owner and admins can revoke it; revoking it again changes nothing.',
  })
  @apiKeyIdParam
  @ApiOkResponse({ type: ApiKeyResource, description: 'The key, now revoked.' })
  @ApiProblemResponses(400, { status: 404, description: 'No key has this id, or it belongs to someone else.' })
  async revokeApiKey(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<ApiKeyResource> {
    return toApiKeyResource(await this.apiKeys.revokeApiKey(id, caller));
  }
}
