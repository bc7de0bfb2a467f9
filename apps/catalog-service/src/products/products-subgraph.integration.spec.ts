import { createTestDatabase } from '@triad/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call } from '@triad/testing';
import { startTestCatalog, type TestCatalog } from '../testing/catalog-service.harness.js';

let service: TestCatalog;

beforeAll(async () => {
  const database = await createTestDatabase(inject('postgresUrl'));
  service = await startTestCatalog({ database });
});

afterAll(async () => {
  await service?.close();
});

const PRODUCT_FIELDS = 'id sku name description price { amountMinor currencyCode } stockOnHand inStock';
const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
const input = (sku: string) => ({ sku, name: `Product ${sku}`, price: { amountMinor: 2500, currencyCode: 'USD' }, stockOnHand: 4 });

describe('catalog-service subgraph over HTTP', () => {
  it('lets anyone page through the products, with a search that sticks to its pages', async () => {
    const query =
      'query ($after: String) { products(first: 2, after: $after, search: "mug") { nodes { sku name } pageInfo { hasNextPage endCursor } } }';
    const first = await service.graphql(query);
    expect(first.data?.['products'].nodes).toHaveLength(2);
    expect(first.data?.['products'].pageInfo.hasNextPage).toBe(false);
    expect(first.data?.['products'].nodes.every((node: { name: string }) => /mug/i.test(node.name))).toBe(true);

    const all = await service.graphql('{ products(first: 10) { nodes { sku } pageInfo { hasNextPage endCursor } } }');
    expect(all.data?.['products'].pageInfo.hasNextPage).toBe(true);
    const mismatched = await service.graphql(query, { after: all.data?.['products'].pageInfo.endCursor });
    expect(mismatched.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldViolations: [{ field: 'after' }] });
    const tooMany = await service.graphql('{ products(first: 500) { nodes { id } } }');
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldViolations: [{ field: 'first' }] });
  });

  it('shows a product with its price in minor units and whether it is in stock; null for an unknown id', async () => {
    const { products } = await call(service.catalog.listProducts({ pageSize: 100, pageToken: '', query: '' }));
    const soldOut = products.find((product) => product.stockOnHand === 0)!;
    const result = await service.graphql(`query ($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`, { id: soldOut.id });
    expect(result.data?.['product']).toEqual({
      id: soldOut.id,
      sku: soldOut.sku,
      name: soldOut.name,
      description: soldOut.description,
      price: { amountMinor: Number(soldOut.price!.amountMinor), currencyCode: 'USD' },
      stockOnHand: 0,
      inStock: false,
    });
    const unknown = await service.graphql('{ product(id: "01900000-0000-7000-8000-000000000000") { id } }');
    expect(unknown.data?.['product']).toBeNull();
    const malformed = await service.graphql('{ product(id: "mug") { id } }');
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldViolations: [{ field: 'id' }] });
  });

  it('creates a product for an admin only', async () => {
    const created = await service.graphql(CREATE, { input: input('gql-lamp') }, service.adminToken);
    expect(created.data?.['createProduct']).toMatchObject({
      sku: 'GQL-LAMP',
      description: '',
      price: { amountMinor: 2500, currencyCode: 'USD' },
      stockOnHand: 4,
      inStock: true,
    });
    const asCustomer = await service.graphql(CREATE, { input: input('gql-customer') }, service.customerToken);
    expect(asCustomer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await service.graphql(CREATE, { input: input('gql-anonymous') });
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    const taken = await service.graphql(CREATE, { input: input('GQL-LAMP') }, service.adminToken);
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'ALREADY_EXISTS', errorCode: 'CATALOG.SKU_TAKEN' });
  });

  it('reports invalid product input by the GraphQL names of the fields', async () => {
    const result = await service.graphql(
      CREATE,
      { input: { ...input('GQL-BAD'), price: { amountMinor: -1, currencyCode: 'usd' }, stockOnHand: -2 } },
      service.adminToken,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      errorCode: 'CATALOG.INVALID_INPUT',
      fieldViolations: [{ field: 'price.amountMinor' }, { field: 'stockOnHand' }],
    });
  });

  it('resolves Product references from other subgraphs in one request, and null for unknown or malformed ids', async () => {
    const { products } = await call(service.catalog.listProducts({ pageSize: 2, pageToken: '', query: '' }));
    const [a, b] = products;
    const result = await service.graphql(
      'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { id sku } } }',
      {
        representations: [
          { __typename: 'Product', id: b!.id },
          { __typename: 'Product', id: '01900000-0000-7000-8000-000000000000' },
          { __typename: 'Product', id: a!.id },
          { __typename: 'Product', id: 'not-an-id' },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.['_entities']).toEqual([{ id: b!.id, sku: b!.sku }, null, { id: a!.id, sku: a!.sku }, null]);
  });

  it('reports liveness and readiness from the database', async () => {
    expect(await (await fetch(`${service.httpUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${service.httpUrl}/readyz`)).status).toBe(200);
  });
});
