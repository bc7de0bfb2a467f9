import { createHash } from 'node:crypto';
import type { RunningService } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../testing/gateway-client.js';

// No subgraph is needed: headers are set before anything is resolved. The web app's own page and assets are
// checked in a real browser by the end-to-end suite, which builds it (apps/e2e/src/http-hostile.e2e.spec.ts).

/** A Content-Security-Policy as a map of directive to its sources. */
function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers', () => {
  let gateway: RunningService;
  /** The response, read to the end so that no connection stays busy. */
  const fetchFrom = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${gateway.httpUrl}${path}`, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    gateway = await startTestGateway({ GRAPHQL_IDE: 'true' });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('are on every GraphQL response and every refusal, with a policy that runs no inline script', async () => {
    const responses = {
      'POST /graphql': await fetchFrom('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      }),
      'malformed JSON': await fetchFrom('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      'unknown path': await fetchFrom('/nothing-here.js'),
    };

    for (const [name, response] of Object.entries(responses)) {
      const policy = directives(response.headers.get('content-security-policy'));
      expect(policy.get('script-src'), name).toEqual(["'self'"]);
      expect(policy.get('style-src'), name).toEqual(["'self'"]);
      expect(policy.get('connect-src'), name).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors'), name).toEqual(["'none'"]);
      expect(policy.get('object-src'), name).toEqual(["'none'"]);
      expect(policy.has('upgrade-insecure-requests'), name).toBe(false);
      expect(response.headers.get('x-frame-options'), name).toBe('DENY');
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), name).toBe('no-referrer');
    }
  });

  it("give Altair a looser policy of its own, which allows its page's one inline script by its hash only", async () => {
    const page = await fetchFrom('/altair');
    const html = page.text;
    const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(([, script]) => script!);
    const policy = directives(page.headers.get('content-security-policy'));

    expect(inline).toHaveLength(1);
    expect(inline[0]).toContain('AltairGraphQL.init(');
    expect(policy.get('script-src')).toEqual(["'self'", `'sha256-${createHash('sha256').update(inline[0]!).digest('base64')}'`]);
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("keep Altair's policy to its own paths, and let only Altair frame its sandbox", async () => {
    const asset = await fetchFrom('/altair/main.js');
    const sandbox = await fetchFrom('/altair/iframe-sandbox/index.html');
    const graphql = await fetchFrom('/graphql?query=%7B__typename%7D', { headers: { 'apollo-require-preflight': 'true' } });

    expect(asset.status).toBe(200);
    expect(directives(asset.headers.get('content-security-policy')).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(sandbox.status).toBe(200);
    expect(directives(sandbox.headers.get('content-security-policy')).get('frame-ancestors')).toEqual(["'self'"]);
    expect(directives(sandbox.headers.get('content-security-policy')).get('sandbox')).toEqual(['allow-scripts']);
    expect(sandbox.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(directives(graphql.headers.get('content-security-policy')).get('style-src')).toEqual(["'self'"]);
  });
});
