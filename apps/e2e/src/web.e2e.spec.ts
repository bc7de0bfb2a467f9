import { freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './chromium.js';
const SCREENSHOTS = join(import.meta.dirname, '../test-output/screenshots');

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let page: Page;
let web: string;

beforeAll(async () => {
  if (!hasChromium) return;
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-web-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const ports = await freeSystemPorts();
  // The demo warehouse moves each order along quickly, so the order page has live changes to show.
  system = await startSystem({ ports, dataDir, env: { LOG_LEVEL: 'warn', FULFILMENT_SIMULATOR: 'true', FULFILMENT_STEP_MS: '1500' } });
  web = `http://127.0.0.1:${ports.gateway}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Logs in as Alice with the login page's demo button. */
async function signInAsAlice(): Promise<void> {
  await page.goto(`${web}/login`);
  await page.getByRole('button', { name: 'Log in as Alice (alice@triad.dev)' }).click();
  await expect.poll(() => page.getByText('Signed in as Alice Customer').count(), { timeout: 10_000 }).toBe(1);
  // The login page then returns to where the user came from; a click before that would be undone by it.
  await page.waitForURL((url) => url.pathname !== '/login');
}

/** Alice signed in, whether a test before did it or not, so each test can run on its own. */
async function signedInAsAlice(): Promise<void> {
  await page.goto(`${web}/`);
  if ((await page.getByText('Signed in as Alice Customer').count()) === 0) await signInAsAlice();
}

const screenshot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

describe.skipIf(!hasChromium)('the web app in a real browser', () => {
  it('lists and searches the products', async () => {
    await page.goto(`${web}/`);
    await expect
      .poll(() => page.getByRole('list', { name: 'Products' }).getByRole('listitem').count(), { timeout: 10_000 })
      .toBeGreaterThan(5);
    await screenshot('products');

    await page.getByLabel('Search products').fill('mug');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Products' }).getByRole('listitem').allInnerTexts())
      .toSatisfy((items: string[]) => items.length > 0 && items.every((text) => /mug/i.test(text)));
    await screenshot('products-search');

    const first = page.getByRole('list', { name: 'Products' }).getByRole('link').first();
    const name = await first.innerText();
    await first.click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name }).count(), { timeout: 10_000 }).toBe(1);
    await screenshot('product-detail');
  });

  it('shows the trace id of the last GraphQL response in its footer', async () => {
    const traceparents: string[] = [];
    const record = (response: Response) => {
      if (new URL(response.url()).pathname === '/graphql') traceparents.push(response.headers()['traceparent'] ?? '');
    };
    page.on('response', record);
    try {
      await page.goto(`${web}/`);
      await expect
        .poll(() => page.getByRole('list', { name: 'Products' }).getByRole('listitem').count(), { timeout: 10_000 })
        .toBeGreaterThan(0);
      const before = traceparents.length;
      await page.getByLabel('Search products').fill('lamp');
      await page.getByRole('button', { name: 'Search' }).click();
      await expect.poll(() => traceparents.length).toBeGreaterThan(before);

      const footer = page.getByRole('contentinfo', { name: 'Trace of the last request' });
      // Compared at each try, in case a later request answers in between: the footer follows the last one.
      await expect
        .poll(async () => {
          const shown = (await footer.count()) ? await footer.innerText() : '(no footer)';
          const last = traceparents.at(-1) ?? '';
          return shown === `trace ${last.split('-')[1]}` ? last : `footer "${shown}", last traceparent "${last}"`;
        })
        .toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(await footer.locator('code').getAttribute('title')).toMatch(/trace id of the last request/);
    } finally {
      page.off('response', record);
    }
  });

  it('logs in as a demo user', async () => {
    await signInAsAlice();
    await screenshot('login');
  });

  it('keeps the session in an HttpOnly cookie: no token anywhere a script can read, and sign-out ends it', async () => {
    await signedInAsAlice();
    // Signed in, and the app works as Alice (her orders query goes through).
    await page.goto(`${web}/orders`);
    await expect.poll(() => page.getByRole('heading', { name: 'My orders' }).count(), { timeout: 10_000 }).toBe(1);
    const readable = await page.evaluate(() => ({
      cookie: document.cookie,
      local: Object.keys(localStorage).map((key) => `${key}=${localStorage.getItem(key)}`),
      session: Object.keys(sessionStorage).map((key) => `${key}=${sessionStorage.getItem(key)}`),
    }));
    expect(readable.cookie).toBe('');
    // A JWT starts eyJ; the session secret is 43 base64url characters: neither may be readable.
    const [session] = (await page.context().cookies(web)).filter((cookie) => cookie.name === 'triad_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const everything = JSON.stringify(readable);
    expect(everything).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(everything).not.toContain(session!.value);

    // Sign-out ends the session in the gateway: the cookie, replayed as a copy would be, is refused.
    await page.getByRole('button', { name: 'Log out' }).click();
    const headerLogIn = page.locator('.account').getByRole('link', { name: 'Log in', exact: true });
    await expect.poll(() => headerLogIn.count(), { timeout: 10_000 }).toBe(1);
    const replayed = await fetch(`${web}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `triad_session=${session!.value}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(replayed.status).toBe(401);

    // Signed in again, then signed out from somewhere else (another tab, a stolen copy revoked): the app goes on
    // as a visitor, the products still there.
    await signInAsAlice();
    const [again] = (await page.context().cookies(web)).filter((cookie) => cookie.name === 'triad_session');
    const elsewhere = await fetch(`${web}/session`, { method: 'DELETE', headers: { cookie: `triad_session=${again!.value}` } });
    expect(elsewhere.status).toBe(204);
    // No reload: the next query is answered 401, the app asks who is signed in, and the answer clears the cookie.
    const main = page.getByRole('navigation', { name: 'Main' });
    await main.getByRole('link', { name: 'My orders' }).click();
    await expect.poll(() => page.getByText('Signed in as Alice Customer').count(), { timeout: 10_000 }).toBe(0);
    expect(await headerLogIn.count()).toBe(1);
    expect((await page.context().cookies(web)).filter((cookie) => cookie.name === 'triad_session')).toEqual([]);
    await main.getByRole('link', { name: 'Products' }).click();
    await expect
      .poll(() => page.getByRole('list', { name: 'Products' }).getByRole('listitem').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);

    // Signed in again for the tests that follow.
    await signInAsAlice();
  });

  it('places an order from the cart and shows its status change live', async () => {
    await page.goto(`${web}/`);
    const add = page
      .getByRole('button', { name: /^Add .* to cart$/ })
      .and(page.locator(':not([disabled])'))
      .first();
    const label = await add.getAttribute('aria-label');
    await add.click();
    await page.goto(`${web}/cart`);
    await expect.poll(() => page.getByRole('heading', { name: 'Cart' }).count()).toBe(1);
    expect(await page.getByRole('table').innerText()).toContain(label?.replace(/^Add (.*) to cart$/, '$1'));
    await screenshot('cart');

    await page.getByRole('button', { name: 'Place order' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    // A marker on the window survives only if the page is never reloaded: the changes must arrive live.
    await page.evaluate(() => ((globalThis as unknown as { triadMarker: boolean }).triadMarker = true));
    const status = page.locator('.order-status strong');
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toBe('Delivered');
    expect(await page.evaluate(() => (globalThis as unknown as { triadMarker?: boolean }).triadMarker)).toBe(true);
    await screenshot('order-delivered');

    await page.goto(`${web}/orders`);
    await expect.poll(() => page.getByRole('list', { name: 'Your orders' }).getByRole('listitem').count()).toBeGreaterThan(0);
    await screenshot('my-orders');
  });

  it('creates an API key, shows its secret once, and revokes it', async () => {
    // Self-sufficient: log in as Alice unless an earlier test already did.
    await signedInAsAlice();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(/\/api-keys$/);
    await expect.poll(() => page.getByRole('button', { name: 'Create key' }).count(), { timeout: 10_000 }).toBe(1);

    const name = `e2e key ${Date.now()}`;
    await page.getByLabel('Key name').fill(name);
    await page.getByRole('button', { name: 'Create key' }).click();
    const secretBox = page.getByRole('region', { name: `Secret for “${name}”` });
    await expect.poll(() => secretBox.count(), { timeout: 10_000 }).toBe(1);
    const secret = await secretBox.getByTestId('api-key-secret').innerText();
    expect(secret).toMatch(/^triad_/);
    expect(await secretBox.innerText()).toContain('it will not be shown again');
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('Active');
    expect(secret.startsWith((await row.locator('code').innerText()).replace(/…$/, ''))).toBe(true);

    await page.getByRole('button', { name: `Revoke ${name}` }).click();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('Revoked');
    expect(await page.getByRole('button', { name: `Revoke ${name}` }).count()).toBe(0);
    await screenshot('api-keys');

    // A reload lists the key, still revoked, and the secret is gone for good.
    await page.reload();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toContain('Revoked');
    expect(await page.getByText(secret).count()).toBe(0);
    expect(await page.getByRole('region', { name: /^Secret for/ }).count()).toBe(0);
  });

  it('says so when the gateway cannot be reached, instead of showing a blank page', async () => {
    await page.route('**/graphql', (route) => route.abort('connectionrefused'));
    await page.goto(`${web}/`);
    await expect.poll(() => page.getByText('The Triad gateway is not reachable').count()).toBeGreaterThan(0);
    await screenshot('gateway-unreachable');
    await page.unroute('**/graphql');
  });
});
