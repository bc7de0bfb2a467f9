import { Module } from '@nestjs/common';
import { AuthHttpController } from './auth.http-controller.js';

@Module({ controllers: [AuthHttpController] })
export class AuthModule {}
