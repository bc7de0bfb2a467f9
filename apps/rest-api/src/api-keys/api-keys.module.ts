import { Module } from '@nestjs/common';
import { ApiKeysHttpController } from './api-keys.http-controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysResolver, UserApiKeysResolver } from './api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';
import { DelegatedTokens } from './delegated-tokens.service.js';

@Module({
  controllers: [ApiKeysHttpController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeysResolver, UserApiKeysResolver, DelegatedTokens],
  exports: [ApiKeysService, DelegatedTokens],
})
export class ApiKeysModule {}
