import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import type { RunningService } from '@triad/platform';
import { buildSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../gateway.config.js';
import { startTestGateway } from '../testing/gateway-client.js';
import { GRAPHQL_IDE_EXAMPLE_QUERY } from './altair.js';

// No subgraph is needed: the IDE page and its assets come from the gateway alone.

/** Every `src` and `href` in a page, i.e. everything a browser loads to show it. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
}

/** The settings Altair starts with: the page's inline script runs `AltairGraphQL.init({…})`, here with a stand-in. */
function altairSettings(html: string): Record<string, unknown> {
  const [, script] = /<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/.exec(html) ?? [];
  let settings: Record<string, unknown> = {};
  runInNewContext(script ?? '', { AltairGraphQL: { init: (given: Record<string, unknown>) => (settings = given) } });
  return settings;
}

describe('GraphQL IDE', () => {
  let gateway: RunningService;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('serves Altair at /altair, pointed at the gateway', async () => {
    const response = await fetch(`${gateway.httpUrl}/altair`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toMatch(/AltairGraphQL\.init\(\{[^}]*endpointURL: `\/graphql`/);
  });

  it('opens on an example query that the public schema accepts, with no banner selling its AI plugin', async () => {
    const settings = altairSettings(await (await fetch(`${gateway.httpUrl}/altair`)).text());
    const publicSchema = buildSchema(readFileSync(new URL('../../supergraph/public-schema.graphql', import.meta.url), 'utf8'));

    expect(settings['initialQuery']).toBe(GRAPHQL_IDE_EXAMPLE_QUERY);
    expect(GRAPHQL_IDE_EXAMPLE_QUERY).toContain('products(first: 5)');
    expect(validate(publicSchema, parse(GRAPHQL_IDE_EXAMPLE_QUERY))).toEqual([]);
    expect(settings['initialSettings']).toMatchObject({ 'banners.disable': true });
  });

  it('loads every script, style and image from the gateway itself, so it works offline', async () => {
    const html = await (await fetch(`${gateway.httpUrl}/altair`)).text();
    const urls = referencedUrls(html);

    expect(urls).toEqual(expect.arrayContaining(['main.js', 'styles.css']));
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    for (const url of urls) {
      const asset = await fetch(new URL(url, `${gateway.httpUrl}/altair/`));
      await asset.arrayBuffer();
      expect(asset.status, url).toBe(200);
    }
    const styles = await (await fetch(`${gateway.httpUrl}/altair/styles.css`)).text();
    expect(styles).not.toMatch(/url\(\s*["']?(?:https?:)?\/\/|@import/);
  });

  it('sends /altair/ to the configured page', async () => {
    const response = await fetch(`${gateway.httpUrl}/altair/`, { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/altair');
  });

  it('is not served when GRAPHQL_IDE is false', async () => {
    const withoutIde = await startTestGateway({ GRAPHQL_IDE: 'false' });
    try {
      expect((await fetch(`${withoutIde.httpUrl}/altair`)).status).toBe(404);
      expect((await fetch(`${withoutIde.httpUrl}/altair/main.js`)).status).toBe(404);
    } finally {
      await withoutIde.close();
    }
  });

  it('is off by default in production', () => {
    const config = loadGatewayConfig({ NODE_ENV: 'production', SERVICE_CLIENT_SECRET: 'a-gateway-client-secret-for-the-spec' });

    expect(config.GRAPHQL_IDE).toBe(false);
  });
});
