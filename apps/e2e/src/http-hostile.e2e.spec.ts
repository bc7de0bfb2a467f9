import { freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './chromium.js';

let system: RunningSystem;
let dataDir: string;
let browser: Browser;
let servers: Record<'rest-api' | 'graphql-gateway' | 'users subgraph', string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-hostile-'));
  const ports = await freeSystemPorts();
  system = await startSystem({ ports, dataDir, env: { LOG_LEVEL: 'warn' } });
  servers = {
    'rest-api': `http://127.0.0.1:${ports.rest}`,
    'graphql-gateway': `http://127.0.0.1:${ports.gateway}`,
    'users subgraph': `http://127.0.0.1:${ports.usersHttp}`,
  };
  if (hasChromium) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** How a bare connection ended: the status the server answered, and when it closed the connection. */
interface Cutoff {
  status: number;
  closedAfterMs: number;
}

/** Sends `chunks` over a bare TCP connection, `gapMs` apart, and waits until the server closes it. */
function sendSlowly(url: string, chunks: string[], gapMs: number): Promise<Cutoff> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const started = Date.now();
    let received = '';
    let next = 0;
    const send = () => {
      if (socket.destroyed || next >= chunks.length) return;
      socket.write(chunks[next++]!);
      setTimeout(send, gapMs);
    };
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve({ status: Number(received.split(' ')[1]), closedAfterMs: Date.now() - started }));
    socket.on('error', () => undefined);
    send();
  });
}

describe('every HTTP server of the system, against a hostile client', () => {
  it('answers 408 and disconnects a client that sends its headers or its body a byte at a time', { timeout: 60_000 }, async () => {
    const headers = 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Padding: ' + 'a'.repeat(1000);
    const body = JSON.stringify({ query: `{ __typename }${' '.repeat(1000)}` });
    const bodyRequest = [
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      ...body,
    ];

    const slow = Object.entries(servers).flatMap(([name, url]) => [
      sendSlowly(url, [...headers], 20).then((cutoff) => ({ name: `${name}, headers`, ...cutoff })),
      sendSlowly(url, bodyRequest, 40).then((cutoff) => ({ name: `${name}, body`, ...cutoff })),
    ]);
    // Meanwhile everyone else is served as usual.
    for (const url of Object.values(servers)) {
      const started = Date.now();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    }

    for (const cutoff of await Promise.all(slow)) {
      expect(cutoff.status, cutoff.name).toBe(408);
      // HTTP_TIMEOUTS: 10 s for the headers, 30 s for the whole request, each noticed within a second.
      const [least, most] = cutoff.name.endsWith('headers') ? [9_500, 12_000] : [29_500, 32_000];
      expect(cutoff.closedAfterMs, cutoff.name).toBeGreaterThanOrEqual(least);
      expect(cutoff.closedAfterMs, cutoff.name).toBeLessThan(most);
    }
  });

  it('answers a JSON body nested 40,000 deep with a 400 in its own error format', async () => {
    const deep = '['.repeat(40_000) + ']'.repeat(40_000);
    const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep });

    const rest = await post(`${servers['rest-api']}/v1/users`);
    const gateway = await post(`${servers['graphql-gateway']}/graphql`);

    expect(rest.status).toBe(400);
    expect(rest.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await rest.json()).toMatchObject({ status: 400, code: 'REQUEST.JSON_TOO_DEEP' });
    expect(gateway.status).toBe(400);
    expect(await gateway.json()).toEqual({
      errors: [
        {
          message: expect.stringContaining('nests arrays and objects'),
          extensions: { code: 'BAD_REQUEST', errorCode: 'REQUEST.JSON_TOO_DEEP' },
        },
      ],
    });
  });
});

describe.skipIf(!hasChromium)('the web app and the IDE under their Content-Security-Policy', () => {
  /** A new page that records every policy violation it reports, as `directive blocked-URI`. */
  async function watchedPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
    });
    return page;
  }
  const violations = (page: Page) => page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);

  it('serves a built page with no inline script, under a policy that allows none', async () => {
    const response = await fetch(`${servers['graphql-gateway']}/`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    const asset = html.match(/<script[^>]*\ssrc="([^"]+)"/)?.[1];

    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(response.headers.get('content-security-policy')).toMatch(/(^|;)script-src 'self'(;|$)/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const script = await fetch(`${servers['graphql-gateway']}${asset}`);
    await script.arrayBuffer();
    expect(script.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('runs the web app in Chromium with no violation, and its subscription WebSocket connects', async () => {
    const page = await watchedPage();
    await page.goto(`${servers['graphql-gateway']}/`);
    await expect
      .poll(() => page.getByRole('list', { name: 'Products' }).getByRole('listitem').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);

    // What the app's graphql-ws client does, from the page itself, so the page's policy applies to it.
    const handshake = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
          socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
          socket.onmessage = (message) => {
            resolve(JSON.parse(String(message.data)).type);
            socket.close();
          };
          socket.onerror = () => resolve('error');
        }),
    );

    expect(handshake).toBe('connection_ack');
    expect(await violations(page)).toEqual([]);

    // The policy is enforced, and violations reported: a connection to any other address is blocked.
    await page.evaluate(() => {
      try {
        new WebSocket('ws://127.0.0.1:9/elsewhere');
      } catch {
        // Blocked outright.
      }
    });
    await expect.poll(() => violations(page)).toEqual(['connect-src ws://127.0.0.1:9/elsewhere']);
    await page.close();
  });

  it('runs Altair in Chromium, pointed at the gateway, with nothing blocked but an eval it does without', async () => {
    const page = await watchedPage();
    await page.goto(`${servers['graphql-gateway']}/altair`);

    // Its settings (the endpoint) come from the page's inline script, which the policy allows by its hash.
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000 }).toContain(`${servers['graphql-gateway']}/graphql`);
    // Altair bundles zod 4, which tries `new Function('')` once to learn whether it may compile its parsers, and
    // falls back to interpreting them when the policy says no: the one report allowed, and no `'unsafe-eval'`.
    expect((await violations(page)).filter((violation) => violation !== 'script-src eval')).toEqual([]);
    await page.close();
  });
});
