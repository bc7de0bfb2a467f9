import { applyDecorators, createParamDecorator, Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { AccessTokens, requireCaller, type Caller } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';

/** Name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearer';

type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/**
 * Verifies the access token at the edge, so a call without a valid one is answered here (401, with the
 * reason) instead of costing a round trip. The token still travels to the services, which verify it again.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokens) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = requireCaller(await this.tokens.fromAuthorization(request.headers.authorization));
    return true;
  }
}

/** Marks an operation as needing `Authorization: Bearer <access token>`, enforced and documented. */
export function RequireBearerToken(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(BearerAuthGuard), ApiBearerAuth(BEARER_SCHEME), ApiProblemResponses(401));
}

/** The caller that `RequireBearerToken` verified. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const { caller } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!caller) throw new Error('@CurrentCaller() needs @RequireBearerToken() on the same route');
  return caller;
});
