import type { Metadata } from '@grpc/grpc-js';
import {
  CatalogServiceControllerMethods,
  ReservationStatus,
  type BatchGetProductsRequest,
  type BatchGetProductsResponse,
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
  type ReleaseStockRequest,
  type ReleaseStockResponse,
  type Reservation,
  type ReserveStockRequest,
  type ReserveStockResponse,
  type UpdateProductRequest,
  type UpdateProductResponse,
} from '@triad/contracts/catalog/v1';
import { Payload } from '@nestjs/microservices';
import {
  AccessTokens,
  callerFromMetadata,
  GrpcCaller,
  GrpcController,
  ServiceOnly,
  SERVICE_SCOPES,
  toProtoMoney,
  toTimestamp,
  type Caller,
  type WithCaller,
} from '@triad/platform';
import { finalize, from, map, ReplaySubject, switchMap, type Observable } from 'rxjs';
import { ReservationsService, type ReservationView } from '../reservations/reservations.service.js';
import { ProductImportService } from './product-import.service.js';
import { ProductsService, type ProductView } from './products.service.js';

/**
 * The gRPC face of catalog-service: translates messages to use-case calls and back, nothing more. One class
 * serves the whole CatalogService, products and reservations, because the generated decorator binds them all.
 */
@GrpcController()
@CatalogServiceControllerMethods()
export class CatalogGrpcController implements WithCaller<CatalogServiceController, 'importProducts'> {
  constructor(
    private readonly products: ProductsService,
    private readonly imports: ProductImportService,
    private readonly reservations: ReservationsService,
    private readonly tokens: AccessTokens,
  ) {}

  async getProduct(request: GetProductRequest): Promise<GetProductResponse> {
    return { product: toProtoProduct(await this.products.getProduct(request.id)) };
  }

  async batchGetProducts(request: BatchGetProductsRequest): Promise<BatchGetProductsResponse> {
    return { products: (await this.products.batchGetProducts(request.ids)).map(toProtoProduct) };
  }

  async listProducts(request: ListProductsRequest): Promise<ListProductsResponse> {
    const page = await this.products.listProducts({ pageSize: request.pageSize, pageToken: request.pageToken, query: request.query });
    return { products: page.products.map(toProtoProduct), nextPageToken: page.nextPageToken };
  }

  async createProduct(@Payload() request: CreateProductRequest, @GrpcCaller() caller: Caller | undefined): Promise<CreateProductResponse> {
    const { sku, name, description, price, stockOnHand } = request;
    const product = await this.products.createProduct({ sku, name, description, price, stockOnHand }, caller);
    return { product: toProtoProduct(product) };
  }

  async updateProduct(@Payload() request: UpdateProductRequest, @GrpcCaller() caller: Caller | undefined): Promise<UpdateProductResponse> {
    // Fields the client left unset are absent (proto3 `optional`), which is what tells the use case to keep them.
    const { sku, name, description, price, stockOnHand } = request;
    const product = await this.products.updateProduct(
      request.id,
      { sku, name, description, price: price ?? undefined, stockOnHand },
      caller,
    );
    return { product: toProtoProduct(product) };
  }

  // Stock is held and given back only for orders: orders-service's own identity is required, a user's is not enough.
  @ServiceOnly(SERVICE_SCOPES.catalogStock)
  async reserveStock(request: ReserveStockRequest): Promise<ReserveStockResponse> {
    const reservation = await this.reservations.reserveStock({ reservationId: request.reservationId, lines: request.lines });
    return { reservation: toProtoReservation(reservation) };
  }

  @ServiceOnly(SERVICE_SCOPES.catalogStock)
  async releaseStock(request: ReleaseStockRequest): Promise<ReleaseStockResponse> {
    return { reservation: toProtoReservation(await this.reservations.releaseStock({ reservationId: request.reservationId })) };
  }

  importProducts(rows: Observable<ImportProductsRequest>, metadata: Metadata): Observable<ImportProductsResponse> {
    // Not `@GrpcCaller()`, which verifies the token before the handler runs: rows arriving meanwhile would be lost.
    // Nest hands the rows that arrived before this handler ran to whoever subscribes to `rows` by the next turn of
    // the event loop, and only after the handler has returned: so it returns an Observable at once, and holds the
    // rows (subscribed now, replayed to the import) while the caller's token is verified.
    const held = new ReplaySubject<ImportProductsRequest>();
    const holding = rows.subscribe(held);
    const requests = held.pipe(
      map(({ row, sku, name, description, price, stockOnHand }) => ({ row, sku, name, description, price, stockOnHand })),
    );
    return from(callerFromMetadata(this.tokens, metadata)).pipe(
      switchMap((caller) => this.imports.importProducts(requests, caller)),
      finalize(() => holding.unsubscribe()),
    );
  }
}

function toProtoProduct(product: ProductView): Product {
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

function toProtoReservation(reservation: ReservationView): Reservation {
  return {
    id: reservation.id,
    lines: reservation.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
    status:
      reservation.status === 'reserved' ? ReservationStatus.RESERVATION_STATUS_RESERVED : ReservationStatus.RESERVATION_STATUS_RELEASED,
    createTime: toTimestamp(reservation.createdAt),
    updateTime: toTimestamp(reservation.updatedAt),
  };
}
