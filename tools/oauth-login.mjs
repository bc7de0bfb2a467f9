#!/usr/bin/env node
// Signs you in to Triad from a script or a terminal, the way a command-line tool should (OAuth 2.0 for native
// apps, RFC 8252): authorization code with PKCE, your browser sent to users-service's sign-in and consent pages,
// and the code handed back to a listener on 127.0.0.1 that this tool opens for the purpose. It prints the
// tokens as JSON on stdout (everything else goes to stderr), so that a shell can keep the access token:
//
//   TOKEN=$(node tools/oauth-login.mjs --scope 'orders:read orders:write' | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')
//   curl -H "authorization: Bearer $TOKEN" localhost:3000/v1/orders
//
//   node tools/oauth-login.mjs --refresh REFRESH_TOKEN     # a new access token (and refresh token) for an old one
//
// --issuer is the authorization server (default http://localhost:3000/oidc: users-service's, through the REST
// edge, as `npm start` and compose run it);
// --scope the API scopes to ask for (orders:read, orders:write, catalog:write for admins), to which it adds
// `openid offline_access` (a refresh token). No dependency beyond Node.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    issuer: { type: 'string', default: 'http://localhost:3000/oidc' },
    scope: { type: 'string', default: 'orders:read' },
    refresh: { type: 'string' },
    'client-id': { type: 'string', default: 'triad-cli' },
  },
});
const clientId = options['client-id'];
/** How long the tool waits for you to finish in the browser. */
const WAIT_MS = 5 * 60_000;

async function main() {
  const discovery = await json(await fetch(`${options.issuer}/.well-known/openid-configuration`), 'discovery');
  const tokens = options.refresh
    ? await tokenRequest(discovery, { grant_type: 'refresh_token', refresh_token: options.refresh, client_id: clientId })
    : await signIn(discovery);
  process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
}

async function signIn(discovery) {
  // Any free port: the client registered http://127.0.0.1/callback, and a loopback address may use any port.
  let deliver;
  const received = new Promise((resolve) => (deliver = resolve));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Signed in: you can close this window.');
    deliver(url.searchParams);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const redirectUri = `http://127.0.0.1:${server.address().port}/callback`;
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const authorization = new URL(discovery.authorization_endpoint);
    authorization.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: `openid offline_access ${options.scope}`,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: 'consent',
    }).toString();
    process.stderr.write(`Open this address in your browser to sign in:\n\n  ${authorization}\n\nWaiting for you to finish there…\n`);

    const timeout = AbortSignal.timeout(WAIT_MS);
    const query = await Promise.race([
      received,
      once(timeout, 'abort').then(() => Promise.reject(new Error(`no sign-in within ${WAIT_MS / 60_000} minutes`))),
    ]);
    if (query.get('error')) throw new Error(`${query.get('error')}: ${query.get('error_description') ?? ''}`);
    if (query.get('state') !== state) throw new Error('the answer does not belong to this sign-in (state differs): try again');
    return await tokenRequest(discovery, {
      grant_type: 'authorization_code',
      code: query.get('code') ?? '',
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    });
  } finally {
    server.close();
  }
}

async function tokenRequest(discovery, form) {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return json(response, 'the token endpoint');
}

async function json(response, what) {
  const body = await response.json().catch(() => undefined);
  if (!response.ok || body === undefined) {
    throw new Error(`${what} answered ${response.status}${body?.error ? `: ${body.error} ${body.error_description ?? ''}` : ''}`);
  }
  return body;
}

main().catch((error) => {
  process.stderr.write(`oauth-login: ${error.message}\n`);
  process.exit(1);
});
