import type { RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { postGraphQL, startTestGateway, subscribe } from '../testing/gateway-client.js';
import { startGraphServices, type GraphServices } from '../testing/graph-services.js';

const ME = { query: '{ me { id email role } }' };
const WATCH = 'subscription ($orderId: ID!) { orderStatusChanged(orderId: $orderId) { status } }';

let services: GraphServices;
let gateway: RunningService;

beforeAll(async () => {
  services = await startGraphServices('catalog-service', 'orders-service');
  gateway = await startTestGateway(services.gatewayEnv);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await services?.stop();
});

interface SessionResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | undefined;
}

/** A call to /session as the web app makes it (JSON, same origin), with `headers` to add or override. */
async function sessionRequest(
  method: 'GET' | 'POST' | 'DELETE',
  options: { body?: string; headers?: Record<string, string>; on?: RunningService } = {},
): Promise<SessionResponse> {
  const on = options.on ?? gateway;
  const response = await fetch(`${on.httpUrl}/session`, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const credentials = (email: string, password: string) => JSON.stringify({ email, password });

/** Signs in as a demo account; resolves with the `Cookie` header the browser would send from then on. */
async function signIn(email = 'alice@triad.dev', password = 'alice-password', on = gateway): Promise<string> {
  const response = await sessionRequest('POST', { body: credentials(email, password), on });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie()[0] ?? '';
  return cookie.split(';')[0]!;
}

const errorCodeOf = (body: Record<string, unknown> | undefined) =>
  (body?.['errors'] as { extensions?: { errorCode?: string } }[] | undefined)?.[0]?.extensions?.errorCode;

describe('browser sessions at the gateway', () => {
  it('signs in with a password and sets an HttpOnly, SameSite=Strict cookie; no token reaches the browser', async () => {
    const response = await sessionRequest('POST', { body: credentials('alice@triad.dev', 'alice-password') });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ user: { email: 'alice@triad.dev', role: 'customer' }, expiresAt: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/eyJ|token/i);

    const [cookie, ...others] = response.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(cookie).toMatch(/^triad_session=triad_ss_[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const behindProxy = await startTestGateway({ ...services.gatewayEnv, TRUSTED_PROXIES: '127.0.0.1' });
    try {
      const response = await sessionRequest('POST', {
        body: credentials('alice@triad.dev', 'alice-password'),
        headers: { 'x-forwarded-proto': 'https' },
        on: behindProxy,
      });
      const cookie = response.headers.getSetCookie()[0] ?? '';
      // Prefixed, so browsers take it only from this host, over HTTPS, for the whole site and no other domain.
      expect(cookie).toMatch(/^__Host-triad_session=triad_ss_[\w-]{43};/);
      expect(cookie).toMatch(/; Secure/);
      const me = await postGraphQL(behindProxy, ME, { cookie: cookie.split(';')[0]!, 'x-forwarded-proto': 'https' });
      expect(me.body.data).toEqual({ me: expect.objectContaining({ email: 'alice@triad.dev' }) });
    } finally {
      await behindProxy.close();
    }
  });

  it('answers GraphQL for the session’s user, and says who is signed in', async () => {
    const cookie = await signIn();
    const me = await postGraphQL(gateway, ME, { cookie });
    expect(me.body).toEqual({ data: { me: { id: services.accounts.alice.id, email: 'alice@triad.dev', role: 'CUSTOMER' } } });
    const current = await sessionRequest('GET', { headers: { cookie } });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ user: { id: services.accounts.alice.id, name: 'Alice Customer' } });
  });

  it('keeps taking bearer tokens, which win over a cookie sent with them', async () => {
    const cookie = await signIn();
    const asAdmin = await postGraphQL(gateway, ME, { cookie, authorization: `Bearer ${services.accounts.admin.token}` });
    expect(asAdmin.body.data).toEqual({ me: expect.objectContaining({ id: services.accounts.admin.id, role: 'ADMIN' }) });
  });

  it('signs out server-side: a copy of the cookie stops working at once', async () => {
    const cookie = await signIn();
    const signedOut = await sessionRequest('DELETE', { headers: { cookie } });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.getSetCookie()[0]).toMatch(/^triad_session=;.*Expires=Thu, 01 Jan 1970/);

    const copied = await postGraphQL(gateway, ME, { cookie });
    expect(copied.status).toBe(401);
    expect(copied.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await sessionRequest('GET', { headers: { cookie } })).status).toBe(401);
  });

  it('holds sessions outside the gateway: another replica, or the gateway restarted, serves the same cookie', async () => {
    const cookie = await signIn();
    const other = await startTestGateway(services.gatewayEnv);
    try {
      expect((await postGraphQL(other, ME, { cookie })).body.data).toEqual({ me: expect.objectContaining({ email: 'alice@triad.dev' }) });
    } finally {
      await other.close();
    }
    // Signed out on one replica, ended on every one.
    const restarted = await startTestGateway(services.gatewayEnv);
    try {
      await sessionRequest('DELETE', { headers: { cookie }, on: restarted });
      expect((await postGraphQL(gateway, ME, { cookie })).status).toBe(401);
    } finally {
      await restarted.close();
    }
  });

  it('ends a subscription opened with the session at its next event once the session has ended', async () => {
    const cookie = await signIn();
    const productId = await services.addProduct('Session clock');
    const orderId = await services.placeOrder(services.accounts.alice, [{ productId, quantity: 1 }]);
    const query = 'subscription ($orderId: ID!) { orderStatusChanged(orderId: $orderId) { status order { id } } }';
    const watch = subscribe(gateway, { query, variables: { orderId } }, { headers: { cookie } });
    try {
      await vi.waitFor(
        () => expect(watch.results[0]?.data).toEqual({ orderStatusChanged: { status: 'PENDING', order: { id: orderId } } }),
        {
          timeout: 10_000,
          interval: 20,
        },
      );
      expect((await sessionRequest('DELETE', { headers: { cookie } })).status).toBe(204);
      await services.moveOrder(orderId, 'CONFIRMED');
      const ended = await watch.ended;
      expect(ended.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(watch.results).toHaveLength(1);
    } finally {
      await watch.close();
    }
  });

  it('opens a subscription for the session’s user from the cookie on the WebSocket upgrade', async () => {
    const cookie = await signIn();
    const productId = await services.addProduct('Session lamp');
    const orderId = await services.placeOrder(services.accounts.alice, [{ productId, quantity: 1 }]);
    const watch = subscribe(gateway, { query: WATCH, variables: { orderId } }, { headers: { cookie } });
    try {
      await vi.waitFor(() => expect(watch.results.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
      expect(watch.results[0]?.errors).toBeUndefined();
    } finally {
      await watch.close();
    }
    const someoneElses = subscribe(
      gateway,
      { query: WATCH, variables: { orderId } },
      { headers: { cookie: await signIn('bob@triad.dev', 'bob-password') } },
    );
    expect((await someoneElses.ended).errors?.[0]?.extensions).toMatchObject({ code: expect.stringMatching(/FORBIDDEN|NOT_FOUND/) });
    await someoneElses.close();
  });

  describe('refuses other sites and hostile input', () => {
    it('refuses the session cookie sent from another site’s page, over HTTP and WebSocket', async () => {
      const cookie = await signIn();
      const crossSite = await postGraphQL(gateway, ME, { cookie, origin: 'https://evil.example' });
      expect(crossSite.status).toBe(403);
      expect(crossSite.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', errorCode: 'GATEWAY.CROSS_SITE_REQUEST' });
      // The same page's own origin is fine.
      const sameSite = await postGraphQL(gateway, ME, { cookie, origin: gateway.httpUrl });
      expect(sameSite.body.data).toEqual({ me: expect.objectContaining({ email: 'alice@triad.dev' }) });

      const watch = subscribe(
        gateway,
        { query: WATCH, variables: { orderId: '00000000-0000-7000-8000-000000000000' } },
        {
          headers: { cookie, origin: 'https://evil.example' },
        },
      );
      expect((await watch.ended).errors?.[0]?.extensions).toMatchObject({ errorCode: 'GATEWAY.CROSS_SITE_REQUEST' });
      await watch.close();
    });

    it('refuses a sign-in or sign-out from another site, or sent as a form, without touching the session', async () => {
      const cookie = await signIn();
      const fromElsewhere = await sessionRequest('POST', {
        body: credentials('bob@triad.dev', 'bob-password'),
        headers: { origin: 'https://evil.example', cookie },
      });
      expect(fromElsewhere.status).toBe(403);
      expect(fromElsewhere.headers.getSetCookie()).toEqual([]);
      expect((await sessionRequest('DELETE', { headers: { origin: 'null', cookie } })).status).toBe(403);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const form = await sessionRequest('POST', {
          body: 'email=bob%40triad.dev&password=bob-password',
          headers: { 'content-type': type },
        });
        expect(form.status).toBe(415);
        expect(form.headers.getSetCookie()).toEqual([]);
      }
      // The session survived all of it.
      expect((await postGraphQL(gateway, ME, { cookie })).body.data).toEqual({ me: expect.objectContaining({ email: 'alice@triad.dev' }) });
    });

    it('answers a wrong password, or malformed credentials, in the gateway’s error shape, with no cookie', async () => {
      const wrong = await sessionRequest('POST', {
        body: credentials('alice@triad.dev', 'not-her-password'),
        headers: { 'x-forwarded-for': '10.9.0.1' },
      });
      expect(wrong.status).toBe(401);
      expect(errorCodeOf(wrong.body)).toBe('USERS.INVALID_CREDENTIALS');
      expect(wrong.headers.getSetCookie()).toEqual([]);

      for (const body of [
        '{"email": 1, "password": []}',
        '[]',
        '"alice"',
        JSON.stringify({ email: `alice\0@triad.dev`, password: 'x'.repeat(100_000) }),
      ]) {
        const response = await sessionRequest('POST', { body });
        expect(response.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
        expect(response.status, body.slice(0, 40)).toBeLessThan(500);
        expect(response.body?.['errors']).toHaveLength(1);
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    });

    it('throttles wrong passwords as every sign-in is throttled, and says how long to wait', async () => {
      const attempts = [];
      for (let attempt = 0; attempt < 6; attempt += 1) {
        attempts.push(await sessionRequest('POST', { body: credentials('carol@triad.dev', `wrong-${attempt}`) }));
      }
      expect(attempts.slice(0, 5).map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
      const throttled = attempts[5]!;
      expect(throttled.status).toBe(429);
      expect(errorCodeOf(throttled.body)).toBe('AUTH.TOO_MANY_SIGN_IN_ATTEMPTS');
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('refuses two session cookies, whichever of them is real, and keeps the session through a failed sign-in', async () => {
      const alice = await signIn();
      const bob = await signIn('bob@triad.dev', 'bob-password');
      for (const cookie of [`${bob}; ${alice}`, `triad_session=; ${alice}`, `${alice}; __Host-${bob}`]) {
        expect((await postGraphQL(gateway, ME, { cookie })).status, cookie.slice(0, 30)).toBe(401);
        expect((await sessionRequest('GET', { headers: { cookie } })).status).toBe(401);
      }
      const wrong = await sessionRequest('POST', { body: credentials('alice@triad.dev', 'not-her-password'), headers: { cookie: alice } });
      expect(wrong.status).toBe(401);
      expect((await postGraphQL(gateway, ME, { cookie: alice })).body.data).toEqual({
        me: expect.objectContaining({ email: 'alice@triad.dev' }),
      });
    });

    it('refuses a forged or oversized cookie; an empty one is no session', async () => {
      for (const cookie of [
        'triad_session=' + 'A'.repeat(43),
        'triad_session=',
        `triad_session=${'x'.repeat(6_000)}`,
        'triad_session=%00',
      ]) {
        const response = await postGraphQL(gateway, ME, { cookie });
        if (cookie === 'triad_session=') {
          expect(response.body.data).toEqual({ me: null });
        } else {
          expect(response.status, cookie.slice(0, 30)).toBe(401);
        }
      }
      const current = await sessionRequest('GET', { headers: { cookie: 'triad_session=forged' } });
      expect(current.status).toBe(401);
      expect(current.headers.getSetCookie()[0]).toMatch(/^triad_session=;/);
    });
  });
});
