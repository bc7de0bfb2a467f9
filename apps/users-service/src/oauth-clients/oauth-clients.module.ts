import { Module } from '@nestjs/common';
import { OAuthClientsGrpcController } from './oauth-clients.grpc-controller.js';
import { OAuthClientsRepository } from './oauth-clients.repository.js';
import { OAuthClientsService } from './oauth-clients.service.js';

@Module({
  controllers: [OAuthClientsGrpcController],
  providers: [OAuthClientsRepository, OAuthClientsService],
})
export class OAuthClientsModule {}
