import type { Metadata } from '@grpc/grpc-js';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import {
  CATALOG_SERVICE_NAME,
  type CatalogServiceController,
  type CreateProductRequest,
  type CreateProductResponse,
  type GetProductRequest,
  type GetProductResponse,
  type ImportProductsRequest,
  type ImportProductsResponse,
  type ListProductsRequest,
  type ListProductsResponse,
  type Product,
  type UpdateProductRequest,
  type UpdateProductResponse,
} from '@triad/contracts/catalog/v1';
import type { Money } from '@triad/contracts/common/v1';
import {
  AccessTokens,
  callerFromMetadata,
  decodePageToken,
  DomainError,
  encodePageToken,
  GrpcController,
  requireAdmin,
  requireUuid,
  resolvePageSize,
  toProtoMoney,
  toTimestamp,
  uuidv7,
  type FieldViolation,
  type MoneyAmount,
} from '@triad/platform';
import { defer, endWith, finalize, ignoreElements, ReplaySubject, switchMap, tap, type Observable } from 'rxjs';

export interface StoredProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: MoneyAmount;
  stockOnHand: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The products of the stand-in catalog-service, which a spec seeds and reads directly. */
export class InMemoryCatalog {
  readonly byId = new Map<string, StoredProduct>();

  add(product: Omit<StoredProduct, 'id' | 'createdAt' | 'updatedAt'>): StoredProduct {
    const now = new Date();
    const stored = { ...product, id: uuidv7(), createdAt: now, updatedAt: now };
    this.byId.set(stored.id, stored);
    return stored;
  }

  findBySku(sku: string): StoredProduct | undefined {
    return [...this.byId.values()].find((product) => product.sku === sku);
  }
}

type CatalogMethods = 'getProduct' | 'listProducts' | 'createProduct' | 'updateProduct' | 'importProducts';

/**
 * A catalog-service for rest-api's specs: the RPCs rest-api calls, over an in-memory map, failing with the
 * same domain errors as the real service. The RPCs it leaves out answer UNIMPLEMENTED.
 */
@GrpcController()
export class InMemoryCatalogGrpcController implements Pick<CatalogServiceController, CatalogMethods> {
  constructor(
    private readonly catalog: InMemoryCatalog,
    private readonly tokens: AccessTokens,
  ) {}

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

  @GrpcMethod(CATALOG_SERVICE_NAME)
  async createProduct(request: CreateProductRequest, metadata: Metadata): Promise<CreateProductResponse> {
    requireAdmin(await callerFromMetadata(this.tokens, metadata), 'create products');
    const fields = { ...request, price: request.price ?? undefined };
    throwViolations(productViolations(fields, true));
    if (this.catalog.findBySku(request.sku)) throw skuTaken(request.sku);
    return { product: toProtoProduct(this.catalog.add({ ...fields, price: fromProtoMoney(request.price!) })) };
  }

  @GrpcMethod(CATALOG_SERVICE_NAME)
  async updateProduct(request: UpdateProductRequest, metadata: Metadata): Promise<UpdateProductResponse> {
    requireAdmin(await callerFromMetadata(this.tokens, metadata), 'change products');
    const product = this.catalog.byId.get(requireUuid(request.id, 'id', 'CATALOG.INVALID_INPUT', 'a product id'));
    if (!product) throw DomainError.notFound('CATALOG.PRODUCT_NOT_FOUND', `No product has the id ${request.id}.`);
    // Fields the client left unset are absent (proto3 `optional`); an unset message field may arrive as null.
    const { sku, name, description, price, stockOnHand } = request;
    throwViolations(productViolations({ name, price: price ?? undefined, stockOnHand }, false));
    const owner = sku === undefined ? undefined : this.catalog.findBySku(sku);
    if (owner && owner.id !== product.id) throw skuTaken(owner.sku);
    const changes = { sku, name, description, stockOnHand, price: price ? fromProtoMoney(price) : undefined };
    Object.assign(product, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)), {
      updatedAt: new Date(),
    });
    return { product: toProtoProduct(product) };
  }

  /** Like catalog-service: rows are held while the caller is checked, then applied one at a time as they arrive. */
  @GrpcStreamMethod(CATALOG_SERVICE_NAME)
  importProducts(rows: Observable<ImportProductsRequest>, metadata: Metadata): Observable<ImportProductsResponse> {
    const held = new ReplaySubject<ImportProductsRequest>();
    const holding = rows.subscribe(held);
    const summary: ImportProductsResponse = { createdCount: 0, updatedCount: 0, errors: [] };
    return defer(() => callerFromMetadata(this.tokens, metadata)).pipe(
      switchMap((caller) => {
        requireAdmin(caller, 'import products');
        return held;
      }),
      tap((row) => this.importRow(row, summary)),
      ignoreElements(),
      endWith(summary),
      finalize(() => holding.unsubscribe()),
    );
  }

  private importRow(row: ImportProductsRequest, summary: ImportProductsResponse): void {
    const { row: number, ...fields } = row;
    const violations = productViolations({ ...fields, price: fields.price ?? undefined }, true);
    if (violations.length > 0) {
      const message = violations.map((violation) => `${violation.field} ${violation.description}`).join('; ');
      summary.errors.push({ row: number, sku: row.sku, message });
      return;
    }
    const existing = this.catalog.findBySku(row.sku);
    const values = { ...fields, price: fromProtoMoney(row.price!) };
    if (existing) {
      Object.assign(existing, values, { updatedAt: new Date() });
      summary.updatedCount += 1;
    } else {
      this.catalog.add(values);
      summary.createdCount += 1;
    }
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
    updateTime: toTimestamp(product.updatedAt),
  };
}

function fromProtoMoney(money: Money): MoneyAmount {
  return { amountMinor: BigInt(money.amountMinor), currencyCode: money.currencyCode };
}

/**
 * A few of the rules catalog-service checks and rest-api leaves to it, with fields named as in the proto
 * request. `complete` says the product is new, so every field must be there.
 */
function productViolations(
  fields: { name?: string | undefined; price?: Money | undefined; stockOnHand?: number | undefined },
  complete: boolean,
): FieldViolation[] {
  const violations: FieldViolation[] = [];
  if (fields.name !== undefined && fields.name.trim() === '') violations.push({ field: 'name', description: 'must not be empty' });
  if (complete && !fields.price) violations.push({ field: 'price', description: 'is required: set amount_minor and currency_code' });
  if (fields.stockOnHand !== undefined && fields.stockOnHand < 0)
    violations.push({ field: 'stock_on_hand', description: 'must be 0 or more' });
  return violations;
}

function throwViolations(violations: FieldViolation[]): void {
  if (violations.length > 0) throw DomainError.invalidArgument('CATALOG.INVALID_INPUT', violations);
}

function skuTaken(sku: string): DomainError {
  return new DomainError(
    'ALREADY_EXISTS',
    'CATALOG.SKU_TAKEN',
    `Another product already has the SKU ${sku}: choose a different SKU or update that product.`,
  );
}
