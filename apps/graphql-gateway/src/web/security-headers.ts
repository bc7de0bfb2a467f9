import type { SecurityHeadersOptions } from '@nestjs/common';

/**
 * The security headers on everything the gateway serves (the web app, its assets, /graphql, errors), through
 * `app.useSecurityHeaders()` as on rest-api: helmet's set, with a Content-Security-Policy the built web app
 * needs no more than. Its index.html loads one script and one stylesheet from /assets and has no inline script
 * or style (a spec checks the build), so `script-src` and `style-src` are `'self'` alone. `connect-src 'self'`
 * covers both the fetches to /graphql and the graphql-ws WebSocket on the same address: CSP Level 3 matches
 * `ws:`/`wss:` to `'self'`. Altair at /altair sets a looser policy of its own, on its own paths only
 * (graphql-ide/altair.ts).
 */
export const GATEWAY_SECURITY_HEADERS: SecurityHeadersOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'"],
      connectSrc: ["'self'"],
      // The page's empty `data:` favicon.
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      // No `upgrade-insecure-requests`: it would send the page's own requests to an https port that does not
      // exist wherever the gateway is served over plain HTTP (a laptop, the compose stack).
    },
  },
  // For browsers that predate `frame-ancestors`.
  xFrameOptions: { action: 'deny' },
  // Order and product addresses stay on this site.
  referrerPolicy: { policy: 'no-referrer' },
};
