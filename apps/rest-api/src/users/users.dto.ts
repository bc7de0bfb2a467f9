import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Timestamp } from '@triad/contracts';
import { UserRole, type User } from '@triad/contracts/users/v1';
import { DEFAULT_PAGE_SIZE, fromTimestamp, MAX_PAGE_SIZE } from '@triad/platform';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString } from 'class-validator';

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

  @ApiProperty({ minLength: 8, maxLength: 128, format: 'password', example: 'correct horse battery staple' })
  @IsDefined({ message: 'is required' })
  @IsString({ message: 'must be a string' })
  password!: string;
}

export class ListUsersQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: `The most users to return; 0 or unset means ${DEFAULT_PAGE_SIZE}.`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  page_size?: number;

  @ApiPropertyOptional({ description: 'The `next_page_token` of the previous page; leave it out for the first page.' })
  @IsOptional()
  @IsString({ message: 'must be a string' })
  page_token?: string;
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

export class UserListResource {
  @ApiProperty({ type: [UserResource] })
  users!: UserResource[];

  @ApiProperty({ type: 'string', nullable: true, description: 'Pass as `page_token` for the next page; null on the last page.' })
  next_page_token!: string | null;
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

/** A users-service timestamp as RFC 3339 text, the way every time reads in this API. */
export function isoTime(timestamp: Timestamp | undefined | null): string {
  const date = fromTimestamp(timestamp);
  if (!date) throw new Error('users-service answered without a timestamp');
  return date.toISOString();
}
