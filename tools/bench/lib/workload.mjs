// The data and the operations both `npm run bench` and `npm run load` send: the same logical operations
// through gRPC, REST and GraphQL.
import { randomUUID } from 'node:crypto';
import { DEMO_ACCOUNTS } from '@triad/testing';
import { bearer, graphql, http, json, unary } from './clients.mjs';

/** Orders of the reading user, items per order, and distinct products among them, as in a typical order history. */
const HISTORY = { orders: 10, itemsPerOrder: 3, distinctProducts: 25 };

/**
 * The data every operation reads: products with stock that cannot run out, a reader with an order history,
 * and a writer whose orders the write benchmark places (so the reader's history stays as seeded).
 */
export async function seed(rest) {
  const signIn = async (email, password) => (await json(`${rest}/v1/auth/token`, post({ email, password }))).access_token;
  const admin = await signIn(DEMO_ACCOUNTS.admin.email, DEMO_ACCOUNTS.admin.password);
  const products = [];
  for (let index = 0; index < HISTORY.distinctProducts + 1; index += 1) {
    const product = {
      sku: `BENCH-${index}-${randomUUID().slice(0, 8)}`,
      name: `Bench product ${index}`,
      description: 'A product the benchmark reads.',
      price: { amount_minor: 1000 + index, currency_code: 'USD' },
      stock_on_hand: 1_000_000,
    };
    products.push(await json(`${rest}/v1/products`, post(product, admin), [201]));
  }
  const account = async (name) => {
    const email = `${name}-${randomUUID().slice(0, 8)}@bench.example`;
    const password = 'a long bench password, never reused';
    const user = await json(`${rest}/v1/users`, post({ email, name, password }), [201]);
    return { id: user.id, token: await signIn(email, password) };
  };
  const reader = await account('Reader');
  const writer = await account('Writer');
  for (let order = 0; order < HISTORY.orders; order += 1) {
    const items = Array.from({ length: HISTORY.itemsPerOrder }, (_, item) => ({
      product_id: products[(order * HISTORY.itemsPerOrder + item) % HISTORY.distinctProducts].id,
      quantity: 1,
    }));
    await json(`${rest}/v1/orders`, post({ items }, reader.token, { 'idempotency-key': randomUUID() }), [201]);
  }
  return { product: products[0], writeProduct: products.at(-1), reader, writer, admin: { token: admin } };
}

function post(body, token, headers = {}) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify(body),
  };
}

/** Each logical operation and every way to do it; the first variant of each is the one the others are compared to. */
export function defineOperations(urls, grpc, { product, writeProduct, reader, writer }) {
  const readerAuth = { authorization: `Bearer ${reader.token}` };
  const productFields = 'id sku name description price { amountMinor currencyCode } stockOnHand';
  const productQuery = `query Product($id: ID!) { product(id: $id) { ${productFields} } }`;
  const productsQuery = `query Products { products(first: 20) { nodes { ${productFields} } } }`;
  const ordersQuery = 'query MyOrders { me { orders(first: 10) { nodes { id status items { quantity product { name } } } } } }';
  const placeMutation = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';
  const line = () => ({ productId: writeProduct.id, quantity: 1 });
  return [
    {
      name: 'One entity: a product by id',
      key: 'entity',
      variants: [
        { style: 'gRPC', label: 'gRPC GetProduct', run: () => unary(grpc.catalog, 'GetProduct', { id: product.id }) },
        { style: 'REST', label: 'REST GET /v1/products/{id}', run: () => http(`${urls.rest}/v1/products/${product.id}`) },
        {
          style: 'REST',
          label: 'baseline: plain Fastify + grpc-js',
          baseline: true,
          run: () => http(`${urls.plain}/v1/products/${product.id}`),
        },
        {
          style: 'GraphQL',
          label: 'GraphQL product through the gateway',
          run: () => graphql(urls.gateway, productQuery, { id: product.id }),
        },
        {
          style: 'GraphQL',
          label: 'baseline: catalog subgraph directly',
          baseline: true,
          run: () => graphql(urls.catalogSubgraph, productQuery, { id: product.id }),
        },
      ],
    },
    {
      name: 'A list: the first 20 products',
      key: 'list',
      variants: [
        { style: 'gRPC', label: 'gRPC ListProducts', run: () => unary(grpc.catalog, 'ListProducts', { pageSize: 20 }) },
        { style: 'REST', label: 'REST GET /v1/products?page_size=20', run: () => http(`${urls.rest}/v1/products?page_size=20`) },
        { style: 'GraphQL', label: 'GraphQL products(first: 20)', run: () => graphql(urls.gateway, productsQuery) },
      ],
    },
    {
      name: "Across services: a user's 10 orders with 3 items each, with product names",
      key: 'cross',
      variants: [
        {
          style: 'gRPC',
          label: 'gRPC ListOrders (no product names)',
          run: () => unary(grpc.orders, 'ListOrders', { userId: reader.id, pageSize: 10 }, bearer(reader.token)),
        },
        {
          style: 'gRPC',
          label: 'gRPC ListOrders + BatchGetProducts',
          headline: true,
          run: async () => {
            const { orders } = await unary(grpc.orders, 'ListOrders', { userId: reader.id, pageSize: 10 }, bearer(reader.token));
            const ids = [...new Set(orders.flatMap((order) => order.items.map((item) => item.productId)))];
            return unary(grpc.catalog, 'BatchGetProducts', { ids });
          },
        },
        {
          style: 'REST',
          label: 'REST GET /v1/orders (no product names)',
          run: () => http(`${urls.rest}/v1/orders?page_size=10`, { headers: readerAuth }),
        },
        {
          style: 'REST',
          label: 'REST GET /v1/orders?expand=items.product',
          headline: true,
          run: () => http(`${urls.rest}/v1/orders?page_size=10&expand=items.product`, { headers: readerAuth }),
        },
        {
          style: 'REST',
          label: 'REST list, then GET /v1/products/{id} per product',
          run: async () => {
            const { orders } = JSON.parse((await http(`${urls.rest}/v1/orders?page_size=10`, { headers: readerAuth })).toString());
            const ids = [...new Set(orders.flatMap((order) => order.items.map((item) => item.product_id)))];
            return Promise.all(ids.map((id) => http(`${urls.rest}/v1/products/${id}`)));
          },
        },
        {
          style: 'GraphQL',
          label: 'GraphQL me.orders with product names',
          run: () => graphql(urls.gateway, ordersQuery, {}, reader.token),
        },
      ],
    },
    {
      name: 'A write: place an order (a new idempotency key each time)',
      key: 'write',
      variants: [
        {
          style: 'gRPC',
          label: 'gRPC PlaceOrder',
          run: () =>
            unary(grpc.orders, 'PlaceOrder', { idempotencyKey: randomUUID(), userId: writer.id, lines: [line()] }, bearer(writer.token)),
        },
        {
          style: 'REST',
          label: 'REST POST /v1/orders',
          run: () =>
            http(
              `${urls.rest}/v1/orders`,
              post({ items: [{ product_id: writeProduct.id, quantity: 1 }] }, writer.token, { 'idempotency-key': randomUUID() }),
              [201],
            ),
        },
        {
          style: 'GraphQL',
          label: 'GraphQL placeOrder',
          run: () => graphql(urls.gateway, placeMutation, { input: { idempotencyKey: randomUUID(), items: [line()] } }, writer.token),
        },
      ],
    },
  ];
}
