import { Inject, Injectable } from '@nestjs/common';
import { CATALOG_SERVICE_NAME, type CatalogServiceClient, type Product } from '@triad/contracts/catalog/v1';
import { grpcClient, unaryCall } from '@triad/platform';
import type { Money } from '../orders/order.js';

const CATALOG = 'catalog-service';

/** A product as orders-service needs it: what it costs and how many are on hand. */
export interface CatalogProduct {
  id: string;
  name: string;
  price: Money;
  stockOnHand: number;
}

/** What orders-service asks catalog-service: prices and stock reservations. */
@Injectable()
export class CatalogClient {
  constructor(@Inject(grpcClient('catalog-service', CATALOG_SERVICE_NAME)) private readonly catalog: CatalogServiceClient) {}

  /** The products that exist among `ids`, by id. */
  async products(ids: readonly string[]): Promise<Map<string, CatalogProduct>> {
    if (ids.length === 0) return new Map();
    const { products } = await unaryCall(this.catalog.batchGetProducts({ ids: [...new Set(ids)] }), CATALOG);
    return new Map(products.map((product) => [product.id, toCatalogProduct(product)]));
  }

  /** Reserves every line or none; the reservation id makes repeating the call harmless. */
  async reserveStock(reservationId: string, lines: readonly { productId: string; quantity: number }[]): Promise<void> {
    await unaryCall(
      this.catalog.reserveStock({ reservationId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) }),
      CATALOG,
    );
  }

  /** Returns a reservation's stock; harmless to repeat, and also settles a reservation that never arrived. */
  async releaseStock(reservationId: string): Promise<void> {
    await unaryCall(this.catalog.releaseStock({ reservationId }), CATALOG);
  }
}

function toCatalogProduct(product: Product): CatalogProduct {
  // A product without a price breaks catalog's contract; pricing it at zero would sell it for free.
  if (!product.price) throw new Error(`catalog-service returned product ${product.id} without a price`);
  return {
    id: product.id,
    name: product.name,
    price: { amountMinor: BigInt(product.price.amountMinor), currencyCode: product.price.currencyCode },
    stockOnHand: product.stockOnHand,
  };
}
