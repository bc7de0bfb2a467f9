import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';
import { UserResource } from '../users/users.dto.js';

export class CredentialsBody {
  @ApiProperty({ format: 'email', example: 'alice@triad.dev' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  email!: string;

  @ApiProperty({ format: 'password', example: 'alice-password' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  password!: string;
}

export class AccessTokenResource {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <access_token>` on later requests.' })
  access_token!: string;

  @ApiProperty({ enum: ['Bearer'] })
  token_type!: 'Bearer';

  @ApiProperty({ format: 'date-time', description: 'When the token stops being accepted; sign in again after it.' })
  expires_at!: string;

  @ApiProperty({ type: UserResource, description: 'The signed-in user, email included.' })
  user!: UserResource;
}
