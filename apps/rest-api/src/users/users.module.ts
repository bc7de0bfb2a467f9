import { Module } from '@nestjs/common';
import { UsersHttpController } from './users.http-controller.js';

@Module({ controllers: [UsersHttpController] })
export class UsersModule {}
