import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { UserRole, type UsersServiceClient } from '@triad/contracts/users/v1';
import { unaryCall, type Caller } from '@triad/platform';
import type { FastifyReply } from 'fastify';
import { CurrentCaller, RequireCaller } from '../auth/caller-auth.guard.js';
import { Cacheable } from '../http/http-cache.hook.js';
import { PagedList } from '../http/page-links.hook.js';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { nextPageToken, PageQuery } from '../resources/page.dto.js';
import { USERS_CLIENT } from './users-client.js';
import { CreateUserBody, toUserResource, UserListResource, UserResource } from './users.dto.js';

/**
 * `/v1/users` over users-service. The caller's token travels with every call, so users-service decides what
 * the caller may see (another user's email, the user list) and this controller only translates.
 */
@ApiTags('users')
@Controller('v1/users')
export class UsersHttpController {
  constructor(@Inject(USERS_CLIENT) private readonly users: UsersServiceClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createUser', summary: 'Create a customer account' })
  @ApiCreatedResponse({
    type: UserResource,
    description: 'The new user.',
    headers: { Location: { description: 'The URL of the new user.', schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, 409)
  async createUser(@Body() body: CreateUserBody, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserResource> {
    const { user } = await unaryCall(
      this.users.createUser({ email: body.email, name: body.name, password: body.password, role: UserRole.USER_ROLE_UNSPECIFIED }),
      'users-service',
    );
    const created = toUserResource(user);
    void reply.header('location', `/v1/users/${created.id}`);
    return created;
  }

  @Get('me')
  @RequireCaller()
  @Cacheable('private')
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'Get the signed-in user' })
  @ApiOkResponse({ type: UserResource, description: 'The caller, email included.' })
  async getCurrentUser(@CurrentCaller() caller: Caller): Promise<UserResource> {
    const { user } = await unaryCall(this.users.getUser({ id: caller.userId }), 'users-service');
    return toUserResource(user);
  }

  @Get(':id')
  @RequireCaller()
  @Cacheable('private')
  @ApiOperation({
    operationId: 'getUser',
    summary: 'Get a user',
    description: '`email` is included only for the user themselves and for admins.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The id of the user.' })
  @ApiOkResponse({ type: UserResource, description: 'The user.' })
  @ApiProblemResponses(400, 404)
  async getUser(@Param('id') id: string): Promise<UserResource> {
    const { user } = await unaryCall(this.users.getUser({ id }), 'users-service');
    return toUserResource(user);
  }

  @Get()
  @RequireCaller()
  @Cacheable('private')
  @PagedList()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users (admins only)', description: 'Oldest first, one page at a time.' })
  @ApiOkResponse({ type: UserListResource, description: 'One page of users.' })
  @ApiProblemResponses(400, 403)
  async listUsers(@Query() query: PageQuery): Promise<UserListResource> {
    const page = await unaryCall(
      this.users.listUsers({ pageSize: query.page_size ?? 0, pageToken: query.page_token ?? '' }),
      'users-service',
    );
    return { users: page.users.map(toUserResource), next_page_token: nextPageToken(page.nextPageToken) };
  }
}
