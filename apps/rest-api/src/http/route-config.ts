import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';
import type { FastifyContextConfig } from 'fastify';

/**
 * Adds settings to the Fastify route config of a handler, which the edge's hooks read back as
 * `request.routeOptions.config`. Nest's `@RouteConfig()` replaces the whole config, so two decorators on one
 * route would drop each other's settings; these merge instead.
 */
export function AddRouteConfig(settings: FastifyContextConfig): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as FastifyContextConfig;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...settings }, handler);
  };
}
