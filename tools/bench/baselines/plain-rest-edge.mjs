// The REST edge's baseline: `GET /v1/products/{id}` on plain Fastify and grpc-js, with none of the edge's
// framework (NestJS, validation, problem documents, caching headers, logging, telemetry). What the edge costs
// beyond it is what the framework and its safeguards cost. Started by the bench as its own process:
//   node plain-rest-edge.mjs PORT CATALOG_GRPC_ADDRESS
import { status } from '@grpc/grpc-js';
import Fastify from 'fastify';
import { grpcClient, unary } from '../lib/clients.mjs';

const [port, catalogAddress] = process.argv.slice(2);
const catalog = grpcClient('triad.catalog.v1.CatalogService', catalogAddress);
const iso = (timestamp) => new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6)).toISOString();

const app = Fastify({ logger: false });
app.get('/v1/products/:id', async (request, reply) => {
  try {
    const { product } = await unary(catalog, 'GetProduct', { id: request.params.id });
    return {
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      price: { amount_minor: Number(product.price.amountMinor), currency_code: product.price.currencyCode },
      stock_on_hand: product.stockOnHand,
      created_at: iso(product.createTime),
      updated_at: iso(product.updateTime),
    };
  } catch (error) {
    return reply.code(error.code === status.NOT_FOUND ? 404 : 502).send({ error: error.details });
  }
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('listening');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
