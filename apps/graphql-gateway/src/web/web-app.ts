import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

/**
 * Where `nx run web:build` writes the web app. This file sits two levels below apps/graphql-gateway both as
 * `src/web/web-app.ts` and as the built `dist/web/web-app.js`, so one relative path finds apps/web/dist.
 */
export const WEB_APP_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths the gateway answers itself; everything else that asks for a page gets the web app. */
const SERVER_PATHS = ['/graphql', '/altair', '/healthz', '/readyz'];

/**
 * Serves the web app (apps/web) beside the API, on the same origin as /graphql: its hashed assets cached for
 * good, and index.html, uncached, for any page address, so a reloaded deep link (/orders/…) still opens the app.
 * Without a build it logs how to make one and serves the API alone.
 */
export async function serveWebApp(app: NestFastifyApplication, logger: Logger, root = WEB_APP_DIR): Promise<void> {
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) {
    logger.warn({ path: root }, 'the web app is not built, so / serves nothing: run npx nx run web:build');
    return;
  }
  const indexHtml = readFileSync(indexPath);
  const fastify = app.getHttpAdapter().getInstance();
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

function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '/';
  if (SERVER_PATHS.some((server) => path === server || path.startsWith(`${server}/`))) return false;
  if (extname(path) !== '') return false;
  return (request.headers.accept ?? '').includes('text/html');
}
