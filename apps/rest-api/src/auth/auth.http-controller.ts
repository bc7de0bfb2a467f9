import { Body, Controller, Header, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UsersServiceClient } from '@triad/contracts/users/v1';
import { unaryCall } from '@triad/platform';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';
import { isoTime } from '../resources/iso-time.js';
import { USERS_CLIENT } from '../users/users-client.js';
import { toUserResource } from '../users/users.dto.js';
import { AccessTokenResource, CredentialsBody } from './auth.dto.js';

/** Sign-in: trades an email and password for an access token that users-service signs. */
@ApiTags('auth')
@Controller('v1/auth')
export class AuthHttpController {
  constructor(@Inject(USERS_CLIENT) private readonly users: UsersServiceClient) {}

  @Post('token')
  @HttpCode(200)
  // A token must never sit in a shared cache (RFC 6749 §5.1).
  @Header('cache-control', 'no-store')
  @ApiOperation({ operationId: 'createAccessToken', summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: AccessTokenResource, description: 'An access token and the user it was issued to.' })
  @ApiProblemResponses(400, 401)
  async createAccessToken(@Body() body: CredentialsBody): Promise<AccessTokenResource> {
    const grant = await unaryCall(this.users.authenticate({ email: body.email, password: body.password }), 'users-service');
    return {
      access_token: grant.accessToken,
      token_type: 'Bearer',
      expires_at: isoTime(grant.expireTime),
      user: toUserResource(grant.user),
    };
  }
}
