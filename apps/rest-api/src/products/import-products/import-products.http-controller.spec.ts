import type { ProblemDocument } from '@triad/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openGrpcCalls } from '../../testing/open-grpc-calls.js';
import { startTestRestApi, type TestRestApi } from '../../testing/rest-api.harness.js';
import type { ProductResource } from '../products.dto.js';
import type { ImportSummaryResource } from './import-products.dto.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };

/** One NDJSON line for a product with `sku`, with `fields` changed. */
const line = (sku: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ sku, name: `Product ${sku}`, price: { amount_minor: 500, currency_code: 'USD' }, stock_on_hand: 5, ...fields });

describe('POST /v1/products:import', () => {
  let api: TestRestApi;
  let adminToken: string;
  let customerToken: string;

  beforeAll(async () => {
    // A small limit, so the specs can send a body that is too large.
    api = await startTestRestApi({ services: ['catalog-service'], env: { REST_IMPORT_LIMIT_BYTES: '2000' } });
    adminToken = api.services.accounts.admin.token;
    customerToken = api.services.accounts.alice.token;
  });
  afterAll(() => api?.close());

  const importLines = (lines: string[], token = adminToken) =>
    api.call<ImportSummaryResource>('POST', '/v1/products:import', { token, headers: NDJSON, body: lines.join('\n') });

  it('creates new SKUs, updates known ones, and lists each row it skipped by its line number', async () => {
    const known = await api.services.addProduct({ sku: 'IMP-KNOWN', name: 'Old name', amountMinor: 100, stockOnHand: 1 });

    const { status, body } = await importLines([
      line('IMP-NEW-1'),
      line('IMP-KNOWN', { name: 'New name', stock_on_hand: 9 }),
      '{"sku": "IMP-BROKEN", "name": ',
      '',
      line('IMP-EMPTY-NAME', { name: ' ' }),
      line('IMP-NO-PRICE', { price: undefined, stock_on_hand: 'many' }),
      '["not", "a", "product"]',
      `${line('IMP-NEW-2')}\r`,
    ]);

    expect(status).toBe(200);
    expect(body).toEqual({
      created_count: 2,
      updated_count: 1,
      errors: [
        { row: 3, sku: '', message: expect.stringMatching(/^the line is not JSON: /) },
        { row: 5, sku: 'IMP-EMPTY-NAME', message: 'name must not be empty' },
        { row: 6, sku: 'IMP-NO-PRICE', message: 'price is required; stock_on_hand must be a whole number' },
        { row: 7, sku: '', message: 'the line must be one JSON object with the fields of a product, such as {"sku": "MUG-001", …}' },
      ],
    });
    expect(await api.productWithSku('IMP-NEW-1')).toMatchObject({ name: 'Product IMP-NEW-1', stock_on_hand: 5 });
    expect(await api.productWithSku('IMP-NEW-2')).toBeDefined();
    expect((await api.call<ProductResource>('GET', `/v1/products/${known.id}`)).body).toMatchObject({ name: 'New name', stock_on_hand: 9 });
    expect(await api.productWithSku('IMP-EMPTY-NAME')).toBeUndefined();
  });

  it('applies each row while the rest of the body is still on its way', async () => {
    let sendRest!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`${line('IMP-EARLY')}\n`));
        sendRest = () => {
          controller.enqueue(new TextEncoder().encode(`${line('IMP-LATE')}\n`));
          controller.close();
        };
      },
    });
    const response = fetch(`${api.url}/v1/products:import`, {
      method: 'POST',
      headers: { ...NDJSON, authorization: `Bearer ${adminToken}` },
      body,
      duplex: 'half',
    } as RequestInit);

    await vi.waitFor(async () => expect(await api.productWithSku('IMP-EARLY')).toBeDefined());
    expect(await api.productWithSku('IMP-LATE')).toBeUndefined();
    sendRest();

    expect(await (await response).json()).toEqual({ created_count: 2, updated_count: 0, errors: [] });
  });

  it('takes the media type with a charset parameter', async () => {
    const { status, body } = await api.call<ImportSummaryResource>('POST', '/v1/products:import', {
      token: adminToken,
      headers: { 'content-type': 'application/x-ndjson; charset=utf-8' },
      body: line('IMP-CHARSET'),
    });

    expect(status).toBe(200);
    expect(body.created_count).toBe(1);
  });

  it('answers 403 to a customer and imports nothing', async () => {
    const { status, body } = await importLines([line('IMP-BY-CUSTOMER')], customerToken);

    expect(status).toBe(403);
    expect((body as unknown as ProblemDocument).code).toBe('AUTH.PERMISSION_DENIED');
    expect(await api.productWithSku('IMP-BY-CUSTOMER')).toBeUndefined();
  });

  it('answers 415 to a body sent as JSON, saying which type to send', async () => {
    const { status, body } = await api.call<ProblemDocument>('POST', '/v1/products:import', {
      token: adminToken,
      body: [{ sku: 'IMP-AS-JSON' }],
    });

    expect(status).toBe(415);
    expect(body).toMatchObject({
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      detail: 'Send the body as application/x-ndjson: one JSON object per line.',
    });
  });

  it('answers 415 to NDJSON sent to any other operation', async () => {
    const { status, body } = await api.call<ProblemDocument>('POST', '/v1/products', {
      token: adminToken,
      headers: NDJSON,
      body: line('IMP-ELSEWHERE'),
    });

    expect(status).toBe(415);
    expect(body.detail).toBe('Send the request body as application/json.');
  });

  it('answers 413 before reading a body whose Content-Length is over the limit', async () => {
    const lines = Array.from({ length: 20 }, (_, index) => line(`IMP-BIG-${index}`));

    const { status, body } = await importLines(lines);

    expect(status).toBe(413);
    expect((body as unknown as ProblemDocument).detail).toMatch(/^The body is \d+ bytes; this operation reads at most 2000/);
    expect(await api.productWithSku('IMP-BIG-0')).toBeUndefined();
  });

  it('answers 413 once a body sent without a Content-Length grows over the limit', async () => {
    const chunks = Array.from({ length: 20 }, (_, index) => new TextEncoder().encode(`${line(`IMP-CHUNKED-${index}`)}\n`));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });

    const response = await fetch(`${api.url}/v1/products:import`, {
      method: 'POST',
      headers: { ...NDJSON, authorization: `Bearer ${adminToken}` },
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(((await response.json()) as ProblemDocument).detail).toMatch(
      /^The body is larger than 2000 bytes, the most this operation reads; it was read up to line \d+/,
    );
    expect(await api.productWithSku('IMP-CHUNKED-19')).toBeUndefined();
  });

  it('answers 504 when catalog-service does not finish within the deadline, and cancels the call to it', async () => {
    const slow = await api.startAnother({ REST_IMPORT_DEADLINE_MS: '300' });
    const toCatalog = slow.upstream.catalog;
    toCatalog.fail('ImportProducts', 'no-answer');
    try {
      const started = Date.now();
      const { status, body } = await slow.call<ProblemDocument>('POST', '/v1/products:import', {
        token: adminToken,
        headers: NDJSON,
        body: line('IMP-STUCK'),
      });

      expect(status).toBe(504);
      expect(body).toMatchObject({
        code: 'UPSTREAM.TIMEOUT',
        detail: expect.stringMatching(/^catalog-service did not finish the import within 0.3 seconds, and it was stopped/),
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      await vi.waitFor(async () => expect(await openGrpcCalls(toCatalog.address)).toBe(0), { timeout: 5_000 });
    } finally {
      await slow.close();
    }
  });
});
