import { MethodNotAllowedException } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { pathOf } from '@triad/platform';

/**
 * Tells "this path exists, but not with this method" (405, with `Allow`) from "no such path" (404). Fastify's
 * router answers both as not found; this asks the same router which methods the path has, so the answer
 * cannot drift from the routes that are really registered. OPTIONS is left out: CORS answers it on every
 * path, which says nothing about the resource.
 */
export function addMethodNotAllowedHook(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) return done();
    const path = pathOf(request.url);
    const allowed = fastify.supportedMethods.filter((method) => method !== 'OPTIONS' && fastify.findRoute({ method, url: path }) !== null);
    if (allowed.length === 0) return done();
    void reply.header('allow', allowed.join(', '));
    done(new MethodNotAllowedException(`${path} does not support ${request.method}; use ${allowed.join(', ')}.`));
  });
}
