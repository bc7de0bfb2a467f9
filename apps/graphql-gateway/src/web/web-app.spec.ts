import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from '@triad/platform';
import { rawExchange } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../testing/gateway-client.js';
import { NOT_BUILT_NOTE } from './web-app.js';

// No subgraph is needed: pages are served before anything is resolved. The gateway serves a stand-in build of
// the web app, so these run without `nx run web:build`; the end-to-end suite drives the real one in a browser.

const INDEX_HTML = '<!doctype html><title>Triad shop</title><script type="module" src="/assets/app-1234.js"></script>';

/** Each way a first visitor asks for the root: as curl does, with no Accept at all, as an API client, as text. */
const ACCEPTS = { curl: '*/*', none: undefined, json: 'application/json', text: 'text/plain', browser: 'text/html' };

/** A GET as `curl -H 'Accept: …'` sends it, byte for byte; with `accept` undefined, no Accept header at all. */
async function get(gateway: RunningService, path: string, accept: string | undefined) {
  const headers = ['Host: localhost', 'User-Agent: curl/8.14.1', ...(accept === undefined ? [] : [`Accept: ${accept}`])];
  return rawExchange(gateway.httpUrl, [`GET ${path} HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n`]);
}

describe('the web app', () => {
  let folder: string;
  let gateway: RunningService;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'triad-web-'));
    mkdirSync(join(folder, 'assets'));
    writeFileSync(join(folder, 'index.html'), INDEX_HTML);
    writeFileSync(join(folder, 'assets', 'app-1234.js'), 'console.log("app");');
    gateway = await startTestGateway({}, { webAppDir: folder });
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(Object.entries(ACCEPTS))('is what / answers, whatever the client accepts (%s)', async (_client, accept) => {
    const response = await get(gateway, '/', accept);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(response.body).toBe(INDEX_HTML);
  });

  it('is what any other page address answers to a browser, while an API client gets a 404 there', async () => {
    expect((await get(gateway, '/orders/42?tab=items', 'text/html,application/xhtml+xml')).body).toBe(INDEX_HTML);
    expect((await get(gateway, '/orders/42', '*/*')).status).toBe(404);
    expect((await get(gateway, '/nothing-here.js', 'text/html')).status).toBe(404);
  });

  it('comes with its assets, cached for good', async () => {
    const asset = await get(gateway, '/assets/app-1234.js', '*/*');

    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log("app");');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('leaves /graphql to GraphQL, whose CSRF prevention still refuses a GET a browser could send cross-site', async () => {
    const simpleGet = await get(gateway, '/graphql?query=%7B__typename%7D', 'text/html');
    const clientGet = await fetch(`${gateway.httpUrl}/graphql?query=%7B__typename%7D`, { headers: { 'apollo-require-preflight': 'true' } });

    expect(simpleGet.status).toBe(400);
    expect(simpleGet.body).toContain('Cross-Site Request Forgery');
    expect(clientGet.status).toBe(200);
    expect(await clientGet.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('is replaced at / by a note saying how to build it, where it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'triad-web-unbuilt-'));
    const unbuilt = await startTestGateway({}, { webAppDir: empty });
    try {
      for (const accept of Object.values(ACCEPTS)) {
        const response = await get(unbuilt, '/', accept);

        expect(response.status, accept).toBe(404);
        expect(response.headers.get('content-type'), accept).toBe('text/plain; charset=utf-8');
        expect(response.body, accept).toBe(`${NOT_BUILT_NOTE}\n`);
      }
      expect(NOT_BUILT_NOTE).toContain('npx nx run web:build');
    } finally {
      await unbuilt.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
