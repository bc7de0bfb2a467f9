import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.service.js';
import { PasswordPolicy } from './password-policy.service.js';
import { UsersGrpcController } from './users.grpc-controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({
  controllers: [UsersGrpcController],
  providers: [
    UsersRepository,
    UsersService,
    UsersResolver,
    { provide: PasswordHasher, useValue: new PasswordHasher() },
    { provide: PasswordPolicy, useValue: new PasswordPolicy() },
  ],
  exports: [UsersService, UsersRepository],
})
export class UsersModule {}
