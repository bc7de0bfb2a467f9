import type { FastifyInstance } from 'fastify';
import { RequestRejection } from './request-rejection.js';

/**
 * Refuses, with a 400, a URL whose query string Fastify would otherwise read leniently: a malformed
 * percent-escape (`?q=%E0%A4%A`, which it keeps as literal text) or one that decodes to NUL (`%00`, in the path
 * too), which no parameter may hold and PostgreSQL cannot store. Fastify's router already refuses a malformed
 * path. Runs before the body is read, after every `onRequest` hook, so the refusal carries the request id.
 */
export function addRequestTargetHook(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const url = request.raw.url ?? '/';
    if (url.includes('%00')) {
      done(
        new RequestRejection(
          400,
          'REQUEST.MALFORMED_URL',
          'The URL holds a NUL character (%00), which no path segment or parameter may hold.',
        ),
      );
      return;
    }
    const queryStart = url.indexOf('?');
    if (queryStart !== -1 && !isWellEncoded(url.slice(queryStart + 1))) {
      done(
        new RequestRejection(
          400,
          'REQUEST.MALFORMED_URL',
          'The query string has a malformed percent-escape: encode each byte as %XX of its UTF-8 encoding, and a literal % as %25.',
        ),
      );
      return;
    }
    done(null, payload);
  });
}

function isWellEncoded(query: string): boolean {
  if (!query.includes('%')) return true;
  try {
    decodeURIComponent(query);
    return true;
  } catch {
    return false;
  }
}
