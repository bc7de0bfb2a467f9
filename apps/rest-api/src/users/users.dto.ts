import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserRole, type User } from '@triad/contracts/users/v1';
import { IsDefined, IsString } from 'class-validator';
import { isoTime } from '../resources/iso-time.js';
import { PageResource } from '../resources/page.dto.js';

// The edge checks the shape of a request; users-service owns the rules and their messages (email format,
// password length), so a rule changes in one place. The limits below only document those rules.

export class CreateUserBody {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com', description: 'The email address to sign in with.' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'Ada Lovelace', description: 'The name shown to other people.' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  name!: string;

  @ApiProperty({
    minLength: 10,
    maxLength: 128,
    format: 'password',
    example: 'correct horse battery staple',
    description: 'Not the email, and not a common or easily guessed password.',
  })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  password!: string;
}

export class UserResource {
  @ApiProperty({ format: 'uuid', example: '01936f6e-7c1a-7b3e-9a51-2f0c8d4e6a10' })
  id!: string;

  @ApiPropertyOptional({ format: 'email', description: 'Present only when the caller is this user or an admin.' })
  email?: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ enum: ['customer', 'admin'], description: 'What the user is allowed to do.' })
  role!: 'customer' | 'admin';

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class UserListResource extends PageResource {
  @ApiProperty({ type: [UserResource] })
  users!: UserResource[];
}

/** The REST shape of a users-service `User`. */
export function toUserResource(user: User | undefined | null): UserResource {
  // proto-loader delivers an unset message field as null; users-service always sets it, so this is a broken contract.
  if (!user) throw new Error('users-service answered without a user');
  return {
    id: user.id,
    ...(user.email === undefined ? {} : { email: user.email }),
    name: user.name,
    role: user.role === UserRole.USER_ROLE_ADMIN ? 'admin' : 'customer',
    created_at: isoTime(user.createTime),
    updated_at: isoTime(user.updateTime),
  };
}
