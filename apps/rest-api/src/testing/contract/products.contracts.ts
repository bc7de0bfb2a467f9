import { randomUUID } from 'node:crypto';
import {
  ANY_COPY,
  BODY_LIMIT_BYTES,
  get,
  OVERSIZED,
  patch,
  post,
  UNKNOWN_API_KEY,
  UNKNOWN_ID,
  when,
  type ContractRequest,
  type OperationContract,
} from './operation-contract.js';

const newProduct = (sku: string) => ({
  sku,
  name: `Product ${sku}`,
  price: { amount_minor: 1299, currency_code: 'USD' },
  stock_on_hand: 3,
});

/** An import of one line, NDJSON as the operation takes it. */
const importing = (line: string, token?: string): ContractRequest =>
  post('/v1/products:import', { token, headers: { 'content-type': 'application/x-ndjson' }, body: line });
const productLine = (sku: string) => JSON.stringify(newProduct(sku));

/** `/v1/products`, over catalog-service: reading is open to everyone, changing is for admins. */
export const PRODUCTS_CONTRACTS: Record<string, OperationContract> = {
  listProducts: {
    answers: {
      200: when('anyone asks', () => get('/v1/products?page_size=1')),
      304: when('the client holds the current page', () => get('/v1/products?page_size=1', { headers: ANY_COPY })),
      400: when('the search is too long', () => get(`/v1/products?search=${'x'.repeat(101)}`)),
      401: when('the API key is not valid', () => get('/v1/products', { headers: UNKNOWN_API_KEY })),
    },
  },
  getProduct: {
    answers: {
      200: when('the product exists', (f) => get(`/v1/products/${f.product.id}`)),
      304: when('the client holds the current copy', (f) => get(`/v1/products/${f.product.id}`, { headers: ANY_COPY })),
      400: when('the id is not a UUID', () => get('/v1/products/not-a-uuid')),
      401: when('the API key is not valid', (f) => get(`/v1/products/${f.product.id}`, { headers: UNKNOWN_API_KEY })),
      404: when('no product has the id', () => get(`/v1/products/${UNKNOWN_ID}`)),
    },
  },
  createProduct: {
    answers: {
      201: when('an admin adds a new SKU', (f) => post('/v1/products', { token: f.admin.token, body: newProduct(`MUG-${randomUUID()}`) })),
      400: when('the price is missing', (f) =>
        post('/v1/products', { token: f.admin.token, body: { ...newProduct('MUG-X'), price: undefined } }),
      ),
      401: when('no access token is sent', () => post('/v1/products', { body: newProduct('MUG-ANON') })),
      403: when('a customer asks', (f) => post('/v1/products', { token: f.alice.token, body: newProduct('MUG-ALICE') })),
      409: when('another product has the SKU', (f) => post('/v1/products', { token: f.admin.token, body: newProduct(f.product.sku) })),
      413: when('the body is over the limit', (f) => post('/v1/products', { token: f.admin.token, body: OVERSIZED })),
    },
  },
  updateProduct: {
    answers: {
      200: when('an admin renames it', (f) => patch(`/v1/products/${f.product.id}`, { token: f.admin.token, body: { name: 'Blue mug' } })),
      400: when('the stock is negative', (f) =>
        patch(`/v1/products/${f.product.id}`, { token: f.admin.token, body: { stock_on_hand: -1 } }),
      ),
      401: when('no access token is sent', (f) => patch(`/v1/products/${f.product.id}`, { body: { name: 'Mug' } })),
      403: when('a customer asks', (f) => patch(`/v1/products/${f.product.id}`, { token: f.alice.token, body: { name: 'Mug' } })),
      404: when('no product has the id', (f) => patch(`/v1/products/${UNKNOWN_ID}`, { token: f.admin.token, body: { name: 'Mug' } })),
      409: when('another product has the SKU', (f) =>
        patch(`/v1/products/${f.product.id}`, { token: f.admin.token, body: { sku: f.soldOut.sku } }),
      ),
      413: when('the body is over the limit', (f) => patch(`/v1/products/${f.product.id}`, { token: f.admin.token, body: OVERSIZED })),
    },
  },
  importProducts: {
    answers: {
      200: when('an admin sends NDJSON', (f) => importing(productLine('TEA-1'), f.admin.token)),
      401: when('no access token is sent', () => importing(productLine('TEA-2'))),
      403: when('a customer asks', (f) => importing(productLine('TEA-3'), f.alice.token)),
      413: when('the body is over the import limit', (f) => importing(productLine('x'.repeat(BODY_LIMIT_BYTES)), f.admin.token)),
      415: when('the body is JSON', (f) => post('/v1/products:import', { token: f.admin.token, body: [newProduct('TEA-4')] })),
    },
  },
};
