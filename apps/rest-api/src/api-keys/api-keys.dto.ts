import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';
import type { ApiKeyView, CreatedApiKey } from './api-keys.service.js';

// The edge checks the shape of a request; the use case owns the rules and their messages, which the limits
// below only document.

export class CreateApiKeyBody {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'nightly stock sync', description: 'What the key is for, to tell keys apart.' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  name!: string;
}

export class ApiKeyResource {
  @ApiProperty({ format: 'uuid', example: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10' })
  id!: string;

  @ApiProperty({ example: 'nightly stock sync' })
  name!: string;

  @ApiProperty({
    example: 'triad_ab12cd34',
    description: 'The start of the secret, to recognise the key by; the secret itself is never shown again.',
  })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the key was last sent; null if never.' })
  last_used_at!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'When the key was revoked; null while it works.' })
  revoked_at!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Requests made with the key since midnight UTC.' })
  requests_today!: number;
}

export class CreatedApiKeyResource {
  @ApiProperty({ format: 'uuid', example: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10' })
  id!: string;

  @ApiProperty({ example: 'nightly stock sync' })
  name!: string;

  @ApiProperty({ example: 'triad_ab12cd34' })
  prefix!: string;

  @ApiProperty({
    example: 'triad_ab12cd34_Jx3…',
    description: 'Send as `X-API-Key`. Shown only in this response: only a hash of it is stored, so store it now.',
  })
  secret!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class ApiKeyListResource {
  @ApiProperty({ type: [ApiKeyResource], description: 'Newest first, revoked keys included.' })
  api_keys!: ApiKeyResource[];
}

export function toApiKeyResource(key: ApiKeyView): ApiKeyResource {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    requests_today: key.requestsToday,
  };
}

export function toCreatedApiKeyResource({ apiKey, secret }: CreatedApiKey): CreatedApiKeyResource {
  return { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix, secret, created_at: apiKey.createdAt.toISOString() };
}
