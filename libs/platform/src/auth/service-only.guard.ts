import type { Metadata } from '@grpc/grpc-js';
import { applyDecorators, Inject, Injectable, SetMetadata, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '../errors/domain-error.js';
import { AccessTokens, bearerToken } from './access-tokens.js';
import { SERVICE_TOKEN_METADATA_KEY } from './service-credentials.js';

/** Nest token of the audience this process's service tokens must carry (`serviceAudience('catalog-service')`). */
export const SERVICE_AUDIENCE = Symbol('SERVICE_AUDIENCE');
const REQUIRED_SCOPE = 'triad:service-only-scope';

/**
 * Marks an RPC as one only services may call: the call must carry a service token
 * (`x-triad-service-token: Bearer …`) issued to a client granted `scope` for this service. Anyone else (no
 * token, any user's token, an admin's included, a forged or expired one, another service's without the scope)
 * is refused before the handler runs. Needs `AccessTokens` and `SERVICE_AUDIENCE` providers.
 */
export function ServiceOnly(scope: string): MethodDecorator {
  return applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), UseGuards(ServiceOnlyGuard));
}

@Injectable()
export class ServiceOnlyGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly reflector: Reflector,
    @Inject(SERVICE_AUDIENCE) private readonly audience: string,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.get<string>(REQUIRED_SCOPE, context.getHandler());
    const value = context.switchToRpc().getContext<Metadata>().get(SERVICE_TOKEN_METADATA_KEY)[0];
    const token = typeof value === 'string' ? bearerToken(value) : undefined;
    if (token === undefined) throw DomainError.unauthenticated('Only services may call this method: send a service token.');
    const service = await this.tokens.verifyService(token, this.audience);
    if (!service.scopes.includes(scope)) {
      throw DomainError.permissionDenied(`${service.clientId} may not call this method: it needs the "${scope}" scope.`);
    }
    return true;
  }
}
