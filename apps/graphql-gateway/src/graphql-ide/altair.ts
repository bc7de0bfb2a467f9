import { createHash } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AltairFastify } from 'altair-fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { pathOf } from '@triad/platform';

/** Where the IDE is served; its scripts, styles and fonts are served under `${GRAPHQL_IDE_PATH}/`. */
export const GRAPHQL_IDE_PATH = '/altair';

/**
 * What the IDE's first tab holds, so that a new user has something to run at once: the catalog, which needs no
 * sign-in, and in comments the way to one's own data. A spec checks it against the public schema.
 */
export const GRAPHQL_IDE_EXAMPLE_QUERY = `# The catalog needs no sign-in: press Send Request (or Ctrl+Enter).
#
# For your own data, sign in with a demo login from the README:
#   mutation { login(email: "alice@triad.dev", password: "alice-password") { accessToken } }
# put its accessToken in the Auth tab (Bearer Token) and ask for
#   { me { name orders(first: 5) { nodes { status } } } }
query Products {
  products(first: 5) {
    nodes {
      name
      sku
      price {
        amountMinor
        currencyCode
      }
      inStock
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
`;

/**
 * Altair's own, looser Content-Security-Policy, on its paths only, in place of the gateway's: an Angular app,
 * it adds `<style>` elements as it runs (`'unsafe-inline'` for styles), shows `data:`/`blob:` images and runs
 * `blob:` workers, and its page starts it with an inline script, allowed by its hash alone (see
 * {@link inlineScriptHashes}). It may not be framed either, but frames its own sandbox, where a user's
 * pre-request scripts run.
 */
function altairPolicy(scriptHashes: readonly string[] = [], frameAncestors = "'none'"): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes.map((hash) => `'${hash}'`)].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/**
 * The sandbox page (altair-static serves it under `iframe-sandbox/`): framed by the IDE alone, and its scripts
 * kept from the gateway's origin by `sandbox`, as altair-static's own `SANDBOX_FRAME_CSP` says.
 */
const SANDBOX_POLICY = `${altairPolicy([], "'self'")}; sandbox allow-scripts`;
const isSandboxFrame = (path: string) => path.split('/').includes('iframe-sandbox');

/**
 * Serves the Altair GraphQL IDE, pointed at the gateway's GraphQL endpoint. Its assets come from the altair-static
 * package and are served by this process, so the IDE works with no internet access (Apollo's and Nest's
 * GraphiQL pages load from a CDN). Altair's cloud account features are turned off for the same reason.
 */
export async function registerAltair(app: NestFastifyApplication, graphqlPath: string): Promise<void> {
  // A child scope keeps the plugin's @fastify/static decorations to itself, so the web app can register its own,
  // and its policy to the IDE's own paths.
  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (request, reply) => {
      const sandbox = isSandboxFrame(pathOf(request.url));
      void reply.header('content-security-policy', sandbox ? SANDBOX_POLICY : altairPolicy());
      if (sandbox) void reply.header('x-frame-options', 'SAMEORIGIN');
    });
    scope.addHook('onSend', async (request, reply, payload) => {
      if (typeof payload === 'string' && !isSandboxFrame(request.url) && String(reply.getHeader('content-type')).startsWith('text/html')) {
        void reply.header('content-security-policy', altairPolicy(inlineScriptHashes(payload)));
      }
      return payload;
    });
    await scope.register(AltairFastify, {
      path: GRAPHQL_IDE_PATH,
      baseURL: `${GRAPHQL_IDE_PATH}/`,
      endpointURL: graphqlPath,
      initialName: 'Triad',
      initialQuery: GRAPHQL_IDE_EXAMPLE_QUERY,
      // Altair's one banner sells its AI plugin, which it would fetch from a CDN that the policy above blocks.
      initialSettings: { 'banners.disable': true },
      disableAccount: true,
    });
    // The asset folder's own index.html is Altair without these settings: send `/altair/` to the real page.
    scope.get(`${GRAPHQL_IDE_PATH}/`, (_request, reply) => reply.redirect(GRAPHQL_IDE_PATH));
  });
}

/**
 * The CSP hashes of a page's inline scripts: Altair's page passes its settings (`AltairGraphQL.init({…})`) in
 * one. (altair-fastify-plugin can serve them as a script of their own instead, but leaves the endpoint out.)
 */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    ([, script]) =>
      `sha256-${createHash('sha256')
        .update(script ?? '')
        .digest('base64')}`,
  );
}
