import { applyDecorators } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { ApiResponseHeaders } from '../openapi/api-response-headers.decorator.js';
import type { PageResource } from '../resources/page.dto.js';
import { AddRouteConfig } from './route-config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `@PagedList()`. */
    pagedList?: boolean;
  }
}

/**
 * Marks a route that answers one page of a list (a `PageResource`): when there is a next page, the response
 * links to it in a `Link: <…>; rel="next"` header (RFC 8288), so a client can follow pages without building
 * URLs.
 */
export function PagedList(): MethodDecorator {
  return applyDecorators(
    AddRouteConfig({ pagedList: true }),
    ApiResponseHeaders(200, {
      Link: {
        description: 'Present when there is a next page: `<path?…&page_token=…>; rel="next"`, the same query with the next page token.',
        schema: { type: 'string' },
      },
    }),
  );
}

/**
 * Adds the next-page `Link` to the pages of `@PagedList` routes. A `preSerialization` hook sees the page as the
 * object the handler returned, so it reads `next_page_token` without parsing the body again.
 */
export function addPageLinksHook(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', async (request, reply, payload) => {
    if (!request.routeOptions.config.pagedList || reply.statusCode !== 200) return payload;
    const token = (payload as Partial<PageResource> | null)?.next_page_token;
    if (typeof token === 'string') void reply.header('link', `<${nextPageUrl(request.url, token)}>; rel="next"`);
    return payload;
  });
}

/** The request's own path and query, every other parameter kept as sent, with `page_token` set to the next page. */
function nextPageUrl(requestUrl: string, token: string): string {
  const queryStart = requestUrl.indexOf('?');
  const path = queryStart === -1 ? requestUrl : requestUrl.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : requestUrl.slice(queryStart + 1));
  query.set('page_token', token);
  return `${path}?${query.toString()}`;
}
