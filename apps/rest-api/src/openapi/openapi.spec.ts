import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRestApi, type TestRestApi } from '../testing/rest-api.harness.js';

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, object> };
}

/**
 * The OpenAPI document is generated from the controllers and checked in as apps/rest-api/openapi.json, so a
 * contract change shows in review. Run `npx nx test rest-api -- -u` to rewrite the file after an intended change.
 */
describe('OpenAPI document', () => {
  let api: TestRestApi;
  let document: Document;

  beforeAll(async () => {
    // The document is the edge's own: no service is needed to serve it.
    api = await startTestRestApi({ services: [] });
    const response = await api.call<Document>('GET', '/openapi.json');
    expect(response.status).toBe(200);
    document = response.body;
  });
  afterAll(() => api?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    // The validator resolves $refs in place, so it gets its own copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('describes every operation with an id, a summary and problem+json errors', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, ...operation })),
    );

    expect(operations.map(({ route, operationId }) => `${route} ${operationId}`).sort()).toEqual([
      'DELETE /v1/oauth-clients/{id} revokeOAuthClient',
      'GET /v1/api-keys listApiKeys',
      'GET /v1/api-keys/{id} getApiKey',
      'GET /v1/oauth-clients listOAuthClients',
      'GET /v1/orders listOrders',
      'GET /v1/orders/{id} getOrder',
      'GET /v1/orders/{id}/events watchOrder',
      'GET /v1/products listProducts',
      'GET /v1/products/{id} getProduct',
      'GET /v1/users listUsers',
      'GET /v1/users/me getCurrentUser',
      'GET /v1/users/{id} getUser',
      'GET /v1/users/{id}/orders listUserOrders',
      'PATCH /v1/products/{id} updateProduct',
      'POST /v1/api-keys createApiKey',
      'POST /v1/api-keys/{id}:revoke revokeApiKey',
      'POST /v1/auth/token createAccessToken',
      'POST /v1/oauth-clients createOAuthClient',
      'POST /v1/orders placeOrder',
      'POST /v1/orders/{id}:cancel cancelOrder',
      'POST /v1/orders/{id}:transition transitionOrder',
      'POST /v1/products createProduct',
      'POST /v1/products:import importProducts',
      'POST /v1/users createUser',
    ]);
    for (const operation of operations) {
      expect(operation.summary, operation.route).toBeTruthy();
      const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
      expect(
        errors.map(([status]) => status),
        operation.route,
      ).toEqual(expect.arrayContaining(['500', '503']));
      for (const [, response] of errors) expect(Object.keys(response.content ?? {}), operation.route).toEqual(['application/problem+json']);
    }
  });

  it('marks the operations that need a caller, and those an API key may call', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const accepting = (scheme: string) =>
      operations
        .filter((operation) => operation.security?.some((requirement) => scheme in requirement))
        .map((operation) => operation.operationId)
        .sort();
    const keyManagement = [
      'createApiKey',
      'getApiKey',
      'listApiKeys',
      'revokeApiKey',
      'createOAuthClient',
      'listOAuthClients',
      'revokeOAuthClient',
    ];

    expect(accepting('bearer')).toEqual(
      [
        'cancelOrder',
        'createProduct',
        'getCurrentUser',
        'getOrder',
        'getUser',
        'importProducts',
        'listOrders',
        'listUserOrders',
        'listUsers',
        'placeOrder',
        'transitionOrder',
        'updateProduct',
        'watchOrder',
        ...keyManagement,
      ].sort(),
    );
    expect(accepting('apiKey')).toEqual(accepting('bearer').filter((operationId) => !keyManagement.includes(operationId!)));
    expect(document.components.securitySchemes['apiKey']).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-api-key' });
  });

  it('leaves out the subgraph, which serves the gateway rather than API clients', () => {
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/v1/'))).toEqual([]);
  });

  it('requires the Idempotency-Key header to place an order and documents the Location of what it creates', () => {
    const placeOrder = document.paths['/v1/orders']!['post']!;

    expect(placeOrder.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
    expect(Object.keys(placeOrder.responses['201']?.headers ?? {})).toEqual(['Location']);
    expect(Object.keys(placeOrder.responses)).toEqual(expect.arrayContaining(['400', '401', '409', '422']));
  });

  it('describes the import body as NDJSON and the order events as an event stream, each item by its schema', () => {
    const importProducts = document.paths['/v1/products:import']!['post']!;
    const watchOrder = document.paths['/v1/orders/{id}/events']!['get']!;

    expect(importProducts.requestBody?.content).toEqual({
      'application/x-ndjson': expect.objectContaining({ schema: { $ref: '#/components/schemas/CreateProductBody' } }),
    });
    expect(watchOrder.responses['200']?.content).toEqual({
      'text/event-stream': expect.objectContaining({
        schema: expect.objectContaining({
          properties: expect.objectContaining({ data: { $ref: '#/components/schemas/OrderStatusEventResource' } }),
        }),
      }),
    });
    expect(watchOrder.parameters).toContainEqual(expect.objectContaining({ name: 'Last-Event-ID', in: 'header', required: false }));
  });

  it('documents caching, next-page links, body limits and rate limits where a client meets them', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const getProduct = document.paths['/v1/products/{id}']!['get']!;

    expect(getProduct.parameters).toContainEqual(expect.objectContaining({ name: 'If-None-Match', in: 'header', required: false }));
    expect(Object.keys(getProduct.responses['200']?.headers ?? {})).toEqual(expect.arrayContaining(['ETag', 'Cache-Control']));
    expect(Object.keys(getProduct.responses['304']?.headers ?? {})).toEqual(expect.arrayContaining(['ETag', 'Cache-Control']));
    for (const list of ['/v1/products', '/v1/users', '/v1/users/{id}/orders']) {
      expect(Object.keys(document.paths[list]!['get']!.responses['200']?.headers ?? {}), list).toContain('Link');
    }
    expect(Object.keys(document.paths['/v1/users']!['post']!.responses)).toContain('413');
    for (const operation of operations) {
      expect(Object.keys(operation.responses['429']?.headers ?? {}), operation.operationId).toContain('Retry-After');
    }
  });

  it('matches the checked-in openapi.json', async () => {
    await expect(`${JSON.stringify(document, null, 2)}\n`).toMatchFileSnapshot('../../openapi.json');
  });

  it('serves Swagger UI at /docs from local assets', async () => {
    const page = await api.call<string>('GET', '/docs');
    const bundle = await api.call<string>('GET', '/docs/swagger-ui-bundle.js');

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui-bundle.js');
    expect(page.body).not.toMatch(/src="https?:/);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
  });
});
