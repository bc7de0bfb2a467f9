import { Module } from '@nestjs/common';
import { OAuthClientsHttpController } from './oauth-clients.http-controller.js';
import { OAuthClientsResolver, UserOAuthClientsResolver } from './oauth-clients.resolver.js';

@Module({
  controllers: [OAuthClientsHttpController],
  providers: [OAuthClientsResolver, UserOAuthClientsResolver],
})
export class OAuthClientsModule {}
