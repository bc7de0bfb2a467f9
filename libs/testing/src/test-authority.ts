import {
  AccessTokens,
  AUTH_PATHS,
  generateSigningKey,
  publicJwks,
  TOKEN_ALGORITHM,
  UserTokenSigner,
  type Caller,
  type PrivateSigningJwk,
} from '@triad/platform';
import { importJWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const ISSUER = 'http://triad-test-authority/oidc';

/** A service client the authority knows: its secret and, per audience, the scopes it may be granted. */
export interface TestServiceClient {
  secret: string;
  grants: Record<string, readonly string[]>;
}

/**
 * A stand-in for users-service's authorization server in tests of the other processes: it signs user and
 * service tokens exactly as users-service does (EdDSA, `typ: at+jwt`, same claims), serves its public keys at
 * `/.well-known/jwks.json` and answers the client-credentials grant at `/oidc/token` over real HTTP, so the
 * process under test verifies and fetches tokens through its production code paths.
 */
export interface TestAuthority {
  /** The environment a process under test needs to trust this authority (`AUTH_ISSUER`, `AUTH_SERVER_URL`). */
  env: { AUTH_ISSUER: string; AUTH_SERVER_URL: string };
  /** A verifier of this authority's tokens, as every Triad process builds one. */
  tokens: AccessTokens;
  /** A user access token; `ttlSeconds` may be negative for an already expired one. */
  tokenFor(caller: Caller, ttlSeconds?: number): Promise<string>;
  /** A service token, as the client-credentials grant issues one. */
  serviceToken(clientId: string, audience: string, scopes: readonly string[], ttlSeconds?: number): Promise<string>;
  /** Starts signing with a new key and keeps publishing the old one, as a rotation's overlap does. */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestAuthority(clients: Record<string, TestServiceClient> = {}): Promise<TestAuthority> {
  let keys: PrivateSigningJwk[] = [await generateSigningKey()];
  let signer = await UserTokenSigner.create(keys, ISSUER);
  const serviceToken = async (clientId: string, audience: string, scopes: readonly string[], ttlSeconds = 300) => {
    const [current] = keys as [PrivateSigningJwk];
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: clientId, scope: scopes.join(' ') })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'at+jwt', kid: current.kid })
      .setSubject(clientId)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(await importJWK(current, TOKEN_ALGORITHM));
  };

  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method === 'GET' && request.url === AUTH_PATHS.jwks) return send(200, publicJwks(keys));
    if (request.method !== 'POST' || request.url !== AUTH_PATHS.token) return send(404, { error: 'not_found' });
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const [clientId = '', secret = ''] = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      const client = clients[clientId];
      if (!client || client.secret !== secret) return send(401, { error: 'invalid_client' });
      const form = new URLSearchParams(body);
      const audience = form.get('resource') ?? '';
      const allowed = client.grants[audience];
      if (form.get('grant_type') !== 'client_credentials' || !allowed) return send(400, { error: 'invalid_target' });
      const scopes = (form.get('scope') ?? '').split(' ').filter((scope) => allowed.includes(scope));
      void serviceToken(clientId, audience, scopes).then((token) =>
        send(200, { access_token: token, expires_in: 300, token_type: 'Bearer', scope: scopes.join(' ') }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A test process may end with the authority still open (see `sharedTestAuthority`); it must not keep it alive.
  server.unref();
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = { AUTH_ISSUER: ISSUER, AUTH_SERVER_URL: serverUrl };

  return {
    env,
    tokens: new AccessTokens(env),
    tokenFor: async (caller, ttlSeconds = 3600) =>
      (await signer.sign(caller, Math.abs(ttlSeconds), new Date(Date.now() - (ttlSeconds < 0 ? 2 * -ttlSeconds * 1000 : 0)))).token,
    serviceToken,
    rotate: async () => {
      keys = [await generateSigningKey(), ...keys];
      signer = await UserTokenSigner.create(keys, ISSUER);
    },
    close: () => closeServer(server),
  };
}

let shared: Promise<TestAuthority> | undefined;

/** One authority for a whole test file (started on first use, never closed), for specs that need no clients. */
export function sharedTestAuthority(): Promise<TestAuthority> {
  shared ??= startTestAuthority();
  return shared;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
