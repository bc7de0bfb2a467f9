import { GrpcMethod } from '@nestjs/microservices';
import {
  CATALOG_SERVICE_NAME,
  type CatalogServiceController,
  type GetProductRequest,
  type GetProductResponse,
  type ListProductsRequest,
  type ListProductsResponse,
  type Product,
} from '@triad/contracts/catalog/v1';
import {
  decodePageToken,
  DomainError,
  encodePageToken,
  GrpcController,
  requireUuid,
  resolvePageSize,
  toProtoMoney,
  toTimestamp,
  uuidv7,
  type MoneyAmount,
} from '@triad/platform';

export interface StoredProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: MoneyAmount;
  stockOnHand: number;
  createdAt: Date;
}

/** The products of the stand-in catalog-service, which a spec seeds and reads directly. */
export class InMemoryCatalog {
  readonly byId = new Map<string, StoredProduct>();

  add(product: Omit<StoredProduct, 'id' | 'createdAt'>): StoredProduct {
    const stored = { ...product, id: uuidv7(), createdAt: new Date() };
    this.byId.set(stored.id, stored);
    return stored;
  }
}

/**
 * A catalog-service for rest-api's specs: the RPCs rest-api calls, over an in-memory map, failing with the
 * same domain errors as the real service. The RPCs it leaves out answer UNIMPLEMENTED.
 */
@GrpcController()
export class InMemoryCatalogGrpcController implements Pick<CatalogServiceController, 'getProduct' | 'listProducts'> {
  constructor(private readonly catalog: InMemoryCatalog) {}

  @GrpcMethod(CATALOG_SERVICE_NAME)
  getProduct(request: GetProductRequest): GetProductResponse {
    const product = this.catalog.byId.get(requireUuid(request.id, 'id', 'CATALOG.INVALID_INPUT', 'a product id'));
    if (!product) throw DomainError.notFound('CATALOG.PRODUCT_NOT_FOUND', `No product has the id ${request.id}.`);
    return { product: toProtoProduct(product) };
  }

  @GrpcMethod(CATALOG_SERVICE_NAME)
  listProducts(request: ListProductsRequest): ListProductsResponse {
    const query = request.query.trim().toLowerCase();
    if (query.length > 100)
      throw DomainError.invalidArgument('CATALOG.INVALID_INPUT', [{ field: 'query', description: 'must be at most 100 characters' }]);
    const size = resolvePageSize(request.pageSize);
    // The token is tagged with the search, so it only continues the search it came from.
    const list = `products:${query}`;
    const offset = Number(decodePageToken(list, request.pageToken)?.['offset'] ?? 0);
    const found = [...this.catalog.byId.values()].filter((product) => `${product.name}\n${product.sku}`.toLowerCase().includes(query));
    const next = offset + size < found.length ? encodePageToken(list, { offset: String(offset + size) }) : '';
    return { products: found.slice(offset, offset + size).map(toProtoProduct), nextPageToken: next };
  }
}

function toProtoProduct(product: StoredProduct): Product {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    price: toProtoMoney(product.price),
    stockOnHand: product.stockOnHand,
    createTime: toTimestamp(product.createdAt),
    updateTime: toTimestamp(product.createdAt),
  };
}
