import { Injectable } from '@nestjs/common';
import {
  decodePageToken,
  DomainError,
  encodePageToken,
  isUniqueViolation,
  isUuid,
  parseInput,
  requireAdmin,
  requireScope,
  resolvePageSize,
  singleLineText,
  USER_SCOPES,
  uuidv7,
  type Caller,
} from '@triad/platform';
import { z } from 'zod';
import { CatalogErrors, INVALID_INPUT } from '../catalog.errors.js';
import type { NewProductRow, ProductRow } from '../db/schema.js';
import {
  parseNewProduct,
  parseProductChanges,
  requireProductId,
  type ProductFields,
  type ProductFieldsRequest,
} from './product-input.schema.js';
import { ProductCache } from './product-cache.service.js';
import { ProductsRepository } from './products.repository.js';

/** A product as every caller sees it: the catalog is public. */
export interface ProductView extends ProductFields {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductPage {
  products: ProductView[];
  nextPageToken: string;
}

const PRODUCTS_LIST = 'products';

const searchInput = z.object({
  query: singleLineText().trim().toLowerCase().max(100, { error: 'must be at most 100 characters' }),
});

/** The product use cases of catalog-service. Every transport (gRPC, GraphQL) calls these and translates the result. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly repository: ProductsRepository,
    private readonly cache: ProductCache,
  ) {}

  async getProduct(id: string): Promise<ProductView> {
    const productId = requireProductId(id);
    const product = (await this.cache.read([productId], (missing) => this.findByIds(missing))).get(productId);
    if (!product) throw CatalogErrors.productNotFound(id);
    return product;
  }

  /** The products that exist among `ids`, in request order; unknown ids are left out. */
  async batchGetProducts(ids: readonly string[]): Promise<ProductView[]> {
    const wanted = ids.map((id, index) => requireProductId(id, `ids[${index}]`));
    const byId = await this.cache.read([...new Set(wanted)], (missing) => this.findByIds(missing));
    return wanted.flatMap((id) => {
      const product = byId.get(id);
      return product ? [product] : [];
    });
  }

  /**
   * One page of products, optionally only those whose name or SKU contains `query`. The query is bound into
   * the page token, so a token cannot continue a different search and skip or repeat products.
   */
  async listProducts(page: { pageSize?: number; pageToken?: string; query?: string }): Promise<ProductPage> {
    const { query } = parseInput(searchInput, { query: page.query ?? '' }, INVALID_INPUT);
    const limit = resolvePageSize(page.pageSize);
    const cursor = decodePageToken(PRODUCTS_LIST, page.pageToken);
    if (cursor && (cursor['query'] !== query || !isUuid(cursor['after'] ?? ''))) {
      throw DomainError.invalidArgument('PAGINATION.INVALID_PAGE_TOKEN', [
        { field: 'page_token', description: 'belongs to a different search: repeat the query it came with, or start again without it' },
      ]);
    }
    const { rows, hasMore } = await this.repository.search(query, cursor?.['after'], limit);
    const last = rows.at(-1);
    return {
      products: rows.map(toView),
      nextPageToken: hasMore && last ? encodePageToken(PRODUCTS_LIST, { after: last.id, query }) : '',
    };
  }

  async createProduct(request: ProductFieldsRequest, caller: Caller | undefined): Promise<ProductView> {
    requireScope(requireAdmin(caller, 'create products'), USER_SCOPES.catalogWrite, 'changing the catalog');
    const fields = parseNewProduct(request);
    const row = await this.repository.insert(newProductRow(fields)).catch(rethrowSkuTaken(fields.sku));
    return toView(row);
  }

  /** Changes the fields the request sets and leaves the others alone. The database announces the change. */
  async updateProduct(id: string, request: Partial<ProductFieldsRequest>, caller: Caller | undefined): Promise<ProductView> {
    requireScope(requireAdmin(caller, 'change products'), USER_SCOPES.catalogWrite, 'changing the catalog');
    const productId = requireProductId(id);
    const changes = parseProductChanges(request);
    if (Object.keys(changes).length === 0) return this.getProduct(productId);
    const row = await this.repository.update(productId, toColumns(changes)).catch(rethrowSkuTaken(changes.sku));
    if (!row) throw CatalogErrors.productNotFound(id);
    await this.cache.forget([productId]);
    return toView(row);
  }

  private async findByIds(ids: readonly string[]): Promise<ProductView[]> {
    return (await this.repository.findByIds(ids)).map(toView);
  }
}

/** Raises UNAUTHENTICATED without a caller and PERMISSION_DENIED for anyone but an admin. */
/** The row for a new product, with a fresh UUIDv7 and both timestamps `now`. */
export function newProductRow(fields: ProductFields, now = new Date()): NewProductRow {
  const { price, ...rest } = fields;
  return {
    id: uuidv7(now.getTime()),
    ...rest,
    priceAmountMinor: price.amountMinor,
    priceCurrencyCode: price.currencyCode,
    createdAt: now,
    updatedAt: now,
  };
}

/** The columns an update sets: the price is two columns. */
function toColumns(fields: Partial<ProductFields>): Partial<NewProductRow> {
  const { price, ...rest } = fields;
  return { ...rest, ...(price ? { priceAmountMinor: price.amountMinor, priceCurrencyCode: price.currencyCode } : {}) };
}

function rethrowSkuTaken(sku: string | undefined): (error: unknown) => never {
  return (error) => {
    if (sku !== undefined && isUniqueViolation(error)) throw CatalogErrors.skuTaken(sku);
    throw error;
  };
}

function toView(row: ProductRow): ProductView {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: { amountMinor: row.priceAmountMinor, currencyCode: row.priceCurrencyCode },
    stockOnHand: row.stockOnHand,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
