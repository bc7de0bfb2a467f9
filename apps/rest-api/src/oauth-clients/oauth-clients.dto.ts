import { ApiProperty } from '@nestjs/swagger';
import type { CreateOAuthClientResponse, OAuthClient } from '@triad/contracts/users/v1';
import { USER_SCOPE_DESCRIPTIONS } from '@triad/platform';
import { ArrayMaxSize, IsArray, IsDefined, IsString } from 'class-validator';
import { isoTime } from '../resources/iso-time.js';
import type { RestApiConfig } from '../rest-api.config.js';

// The edge checks the shape of a request; users-service owns the rules and their messages, which the limits
// below only document.

const SCOPES = Object.keys(USER_SCOPE_DESCRIPTIONS);
const SCOPES_DESCRIPTION = `What the client's tokens may do: ${Object.entries(USER_SCOPE_DESCRIPTIONS)
  .map(([scope, description]) => `\`${scope}\` (${description})`)
  .join(', ')}.`;

export class CreateOAuthClientBody {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    example: 'nightly order export',
    description: 'What the client is for, to tell clients apart.',
  })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  name!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: SCOPES },
    minItems: 1,
    maxItems: 10,
    example: ['orders:read'],
    description: `${SCOPES_DESCRIPTION} Only scopes you could use yourself: \`catalog:write\` is for admins.`,
  })
  @IsDefined({ message: 'is required' })
  @IsArray({ message: 'must be a list of scopes' })
  @ArrayMaxSize(10, { message: 'must name at most 10 scopes' })
  @IsString({ each: true, message: 'must be a list of strings' })
  scopes!: string[];
}

export class OAuthClientResource {
  @ApiProperty({ format: 'uuid', example: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10', description: "The client's id at the token endpoint." })
  client_id!: string;

  @ApiProperty({ example: 'nightly order export' })
  name!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: SCOPES },
    example: ['orders:read'],
    description: 'The scopes every token of the client carries.',
  })
  scopes!: string[];

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class CreatedOAuthClientResource extends OAuthClientResource {
  @ApiProperty({
    example: 'triad_cs_Jx3…',
    description: 'The client secret. Shown only in this response: only a hash of it is stored, so store it now.',
  })
  client_secret!: string;

  @ApiProperty({
    format: 'uri',
    example: 'http://localhost:3000/oidc/token',
    description: 'Where the client gets tokens: `grant_type=client_credentials`, with its id and secret in HTTP Basic.',
  })
  token_endpoint!: string;
}

export class OAuthClientListResource {
  @ApiProperty({ type: [OAuthClientResource], description: 'Newest first; revoked clients are gone.' })
  oauth_clients!: OAuthClientResource[];
}

export function toOAuthClientResource(client: OAuthClient | undefined): OAuthClientResource {
  if (!client) throw new Error('users-service answered without the client');
  return {
    client_id: client.clientId,
    name: client.name,
    scopes: client.scopes,
    created_at: isoTime(client.createTime),
  };
}

export function toCreatedOAuthClientResource(created: CreateOAuthClientResponse, tokenEndpoint: string): CreatedOAuthClientResource {
  return { ...toOAuthClientResource(created.oauthClient), client_secret: created.clientSecret, token_endpoint: tokenEndpoint };
}

/** The token endpoint as clients reach it: the issuer's, whatever address this request came in by. */
export function tokenEndpointOf(config: Pick<RestApiConfig, 'AUTH_ISSUER'>): string {
  return `${config.AUTH_ISSUER.replace(/\/$/, '')}/token`;
}
