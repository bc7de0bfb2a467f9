import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  SetMetadata,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { AccessTokens, DomainError, requireCaller, type Caller } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import { ApiProblemResponses } from '../problems/api-problem-responses.decorator.js';

/** Names of the security schemes in the OpenAPI document. */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'apiKey';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, once verified: by the `X-API-Key` hook before routing, or by `CallerAuthGuard`. */
    caller?: Caller;
    /** The API key the `X-API-Key` hook authenticated the request by; unset for a bearer token. */
    apiKeyId?: string;
  }
}

const ACCESS_TOKEN_ONLY = Symbol('ACCESS_TOKEN_ONLY');

/**
 * Lets a route run only for a verified caller. An API key was verified before routing; otherwise the access
 * token is verified here, so a call without a valid one is answered at the edge (401, with the reason)
 * instead of costing a round trip. The token still travels to the services, which verify it again.
 */
@Injectable()
export class CallerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.apiKeyId === undefined) {
      request.caller = requireCaller(await this.tokens.fromAuthorization(request.headers.authorization));
    } else if (this.reflector.getAllAndOverride<boolean>(ACCESS_TOKEN_ONLY, [context.getHandler(), context.getClass()])) {
      throw DomainError.permissionDenied('An API key cannot do this: send the access token of a signed-in user instead.');
    }
    return true;
  }
}

/** Marks an operation as needing a caller, by access token or by API key; enforced and documented. */
export function RequireCaller(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(CallerAuthGuard), ApiBearerAuth(BEARER_SCHEME), ApiSecurity(API_KEY_SCHEME), ApiProblemResponses(401));
}

/**
 * Marks an operation that only a signed-in user's access token may call, never an API key: managing keys,
 * so that a leaked key can neither make itself successors nor revoke its owner's other keys.
 */
export function RequireAccessToken(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_TOKEN_ONLY, true),
    UseGuards(CallerAuthGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiProblemResponses(401, { status: 403, description: 'Sent with an API key, which cannot do this: send an access token.' }),
  );
}

/** The caller that `RequireCaller` or `RequireAccessToken` verified. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const { caller } = context.switchToHttp().getRequest<FastifyRequest>();
  if (!caller) throw new Error('@CurrentCaller() needs @RequireCaller() or @RequireAccessToken() on the same route');
  return caller;
});
