import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A command-line tool signing a user in as RFC 8252 says a native app should: authorization code with PKCE,
 * the user's browser sent to the authorization server's sign-in and consent pages and back to a loopback
 * listener of the tool's own. The browser is fetch with a cookie jar, following each redirect by hand.
 */

/** What the authorization server publishes at `/.well-known/openid-configuration`. */
export type Discovery = Record<string, unknown> & {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
};

export async function discover(issuerUrl: string): Promise<Discovery> {
  const response = await fetch(`${issuerUrl}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery at ${issuerUrl} answered ${response.status}`);
  return (await response.json()) as Discovery;
}

/** A browser's cookies, enough for one site: name → value. */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const separator = pair.indexOf('=');
      const [name, value] = [pair.slice(0, separator), pair.slice(separator + 1)];
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects within `origin`, stopping at a page, or at a redirect elsewhere (to the tool). */
  async follow(response: Response, from: string, origin: string): Promise<{ response: Response; url: string }> {
    let url = from;
    let current = response;
    while (current.status >= 300 && current.status < 400) {
      url = new URL(current.headers.get('location') ?? '', url).toString();
      if (new URL(url).origin !== origin) return { response: current, url };
      current = await this.go(url);
    }
    return { response: current, url };
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.go(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }
}

export interface TokenResponse {
  status: number;
  body: {
    access_token: string;
    refresh_token?: string;
    id_token?: string;
    scope?: string;
    token_type: string;
    expires_in: number;
    error?: string;
    error_description?: string;
  };
}

/** A form POST to the token endpoint, as a public client sends it. */
export async function tokenRequest(discovery: Discovery, form: Record<string, string>): Promise<TokenResponse> {
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
}

/**
 * The client-credentials grant as a confidential client sends it: its id and secret in HTTP Basic
 * (`client_secret_basic`, RFC 6749 §2.3.1, each form-encoded first), `form` in the body.
 */
export async function clientCredentialsRequest(
  tokenEndpoint: string,
  client: { clientId: string; clientSecret: string },
  form: Record<string, string> = {},
): Promise<TokenResponse> {
  const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...form }).toString(),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
}

export interface Authorization {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  clientId: string;
  /** The HTML of the sign-in and consent pages the user saw. */
  loginPage: string;
  consentPage: string;
}

/**
 * The whole dance for `account`: the authorization request, the sign-in page, the consent page (allowing), and
 * the code arriving at the loopback listener with the state sent.
 */
export async function authorizeWithPkce(
  discovery: Discovery,
  account: { email: string; password: string },
  options: { scope: string; clientId?: string },
): Promise<Authorization> {
  const clientId = options.clientId ?? 'triad-cli';
  const tool = await loopback();
  try {
    const codeVerifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const request = new URL(discovery.authorization_endpoint);
    request.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: tool.redirectUri,
      scope: options.scope,
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      prompt: 'consent',
    }).toString();
    const { loginPage, consentPage, redirectedTo } = await completeSignIn(request.toString(), account);
    if (!redirectedTo.startsWith(tool.redirectUri)) throw new Error(`consent led to ${redirectedTo}, not the tool's ${tool.redirectUri}`);
    const query = await tool.received;
    if (query.get('state') !== state) throw new Error('the state came back changed');
    const code = query.get('code');
    if (!code) throw new Error(`no code came back: ${query.toString()}`);
    return { code, codeVerifier, redirectUri: tool.redirectUri, clientId, loginPage, consentPage };
  } finally {
    tool.server.close();
  }
}

/**
 * What the user does in the browser with an authorization request's address: signs in as `account`, allows
 * what the client asks, and is sent back to the client's redirect address, which is then opened (the tool's
 * listener receives the code).
 */
export async function completeSignIn(
  authorizationUrl: string,
  account: { email: string; password: string },
  browser = new TestBrowser(),
): Promise<{ loginPage: string; consentPage: string; redirectedTo: string }> {
  const origin = new URL(authorizationUrl).origin;
  const login = await browser.follow(await browser.go(authorizationUrl), authorizationUrl, origin);
  if (login.response.status !== 200) throw new Error(`the sign-in page answered ${login.response.status} at ${login.url}`);
  const loginPage = await login.response.text();
  const consent = await browser.follow(await browser.post(`${login.url}/login`, account), login.url, origin);
  if (consent.response.status !== 200) throw new Error(`signing in answered ${consent.response.status} at ${consent.url}`);
  const consentPage = await consent.response.text();
  const back = await browser.follow(await browser.post(`${consent.url}/consent`, {}), consent.url, origin);
  await fetch(back.url);
  return { loginPage, consentPage, redirectedTo: back.url };
}

/** The code exchanged for tokens, with the PKCE verifier. */
export function exchangeCode(discovery: Discovery, authorization: Authorization): Promise<TokenResponse> {
  return tokenRequest(discovery, {
    grant_type: 'authorization_code',
    code: authorization.code,
    redirect_uri: authorization.redirectUri,
    client_id: authorization.clientId,
    code_verifier: authorization.codeVerifier,
  });
}

/** The tool's loopback listener: resolves the query of the first request to /callback. */
export async function loopback() {
  let deliver: (query: URLSearchParams) => void = () => undefined;
  const received = new Promise<URLSearchParams>((resolve) => (deliver = resolve));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    response.end('You can close this window.');
    if (url.pathname === '/callback') deliver(url.searchParams);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`, received, server };
}
