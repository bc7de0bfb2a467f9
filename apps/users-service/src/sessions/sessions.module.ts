import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { BrowserSessionsRepository } from './browser-sessions.repository.js';
import { BrowserSessionsService } from './browser-sessions.service.js';
import { SessionsGrpcController } from './sessions.grpc-controller.js';

@Module({
  imports: [UsersModule],
  controllers: [SessionsGrpcController],
  providers: [BrowserSessionsRepository, BrowserSessionsService],
})
export class SessionsModule {}
