import type { OpenAPIObject, ResponseObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { problemResponse } from '../problems/api-problem-responses.decorator.js';
import { AddRouteConfig } from './route-config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `@BodyLimit()`. */
    bodyLimit?: number;
  }
}

/**
 * Gives one route its own request body limit instead of REST_BODY_LIMIT_BYTES, such as an upload that takes
 * more. A larger body is refused with a 413 problem before it is parsed. It governs bodies Fastify reads
 * whole (JSON); a route that reads its body as a stream counts the bytes itself.
 */
export function BodyLimit(bytes: number): MethodDecorator {
  return AddRouteConfig({ bodyLimit: bytes });
}

/** Applies `@BodyLimit()`: Nest hands a route's config to Fastify but has no way to set its `bodyLimit`. */
export function addBodyLimitHook(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const limit = route.config?.bodyLimit;
    if (limit !== undefined) route.bodyLimit = limit;
  });
}

/** Documents the 413 of every operation that takes a request body, unless the operation documents its own. */
export function documentBodyLimits(document: OpenAPIObject): OpenAPIObject {
  const { description = '', content } = problemResponse(
    413,
    'The request body is larger than this operation accepts; `detail` says how large it may be.',
  );
  const tooLarge: ResponseObject = { description, content };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      if (operation?.requestBody) operation.responses['413'] ??= tooLarge;
    }
  }
  return document;
}
