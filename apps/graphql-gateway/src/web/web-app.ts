import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { INFRASTRUCTURE_PATHS, pathOf } from '@triad/platform';
import type { FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { SESSION_PATH } from '../sessions/session.http-controller.js';

/**
 * Where `nx run web:build` writes the web app. This file sits two levels below apps/graphql-gateway both as
 * `src/web/web-app.ts` and as the built `dist/web/web-app.js`, so one relative path finds apps/web/dist.
 */
export const WEB_APP_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** What / says where the web app is not built (a gateway run on its own, outside `npm start`). */
export const NOT_BUILT_NOTE =
  'This is the Triad GraphQL gateway; its web app is not built here (run npx nx run web:build, then restart it). The API is at /graphql.';

/** Paths the gateway answers itself; everything else that asks for a page gets the web app. */
const SERVER_PATHS = ['/graphql', '/altair', SESSION_PATH, ...INFRASTRUCTURE_PATHS];

/**
 * Serves the web app (apps/web) beside the API, on the same origin as /graphql: its hashed assets cached for
 * good, and index.html, uncached, for any page address, so a reloaded deep link (/orders/…) still opens the app.
 * Without a build it logs how to make one, says so at /, and serves the API alone.
 */
export async function serveWebApp(app: NestFastifyApplication, logger: Logger, root = WEB_APP_DIR): Promise<void> {
  const indexPath = join(root, 'index.html');
  const fastify = app.getHttpAdapter().getInstance();
  if (!existsSync(indexPath)) {
    logger.warn({ path: root }, 'the web app is not built, so / serves only a note: run npx nx run web:build');
    fastify.get('/', (_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send(`${NOT_BUILT_NOTE}\n`));
    return;
  }
  const indexHtml = readFileSync(indexPath);
  await fastify.register(fastifyStatic, {
    root,
    index: false,
    // The IDE's plugin decorates the reply with its own copy of @fastify/static.
    decorateReply: false,
    setHeaders: (reply, path) => {
      const immutable = path.includes(`${join(root, 'assets')}`);
      void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  fastify.addHook('onRequest', async (request, reply) => {
    if (!isPageRequest(request)) return;
    await reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml);
  });
  logger.info({ path: root }, 'serving the web app at /');
}

/**
 * The root is the app's page whatever the client accepts (curl accepts anything and names no HTML): left to
 * @fastify/static, it is a folder without an index, which it refuses with a 403. Any other address without a
 * file extension is a page only for a client that asks for HTML, so that an API client's mistyped path stays a 404.
 */
function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = pathOf(request.url);
  if (path === '/') return true;
  if (SERVER_PATHS.some((server) => path === server || path.startsWith(`${server}/`))) return false;
  if (extname(path) !== '') return false;
  return (request.headers.accept ?? '').includes('text/html');
}
