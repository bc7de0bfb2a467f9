import { Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod } from '@nestjs/microservices';
import {
  CATALOG_SERVICE_NAME,
  ReservationStatus,
  TRIAD_CATALOG_V1_PACKAGE_NAME,
  type BatchGetProductsRequest,
  type BatchGetProductsResponse,
  type Product,
  type ReleaseStockRequest,
  type ReleaseStockResponse,
  type ReserveStockRequest,
  type ReserveStockResponse,
} from '@triad/contracts/catalog/v1';
import {
  TRIAD_USERS_V1_PACKAGE_NAME,
  USERS_SERVICE_NAME,
  UserRole,
  type GetUserRequest,
  type GetUserResponse,
} from '@triad/contracts/users/v1';
import {
  AccessTokens,
  createLogger,
  DomainError,
  GrpcController,
  GrpcServerControl,
  grpcServerOptions,
  LOGGER,
  SERVICE_AUDIENCE,
  SERVICE_SCOPES,
  serviceAudience,
  ServiceOnly,
  toTimestamp,
  uuidv7,
} from '@triad/platform';

/** How a stand-in call misbehaves, to show what orders-service does when a downstream call fails midway. */
export type Failure = 'none' | 'unavailable' | 'missing' | 'fail-after-reserving' | 'hang';

/**
 * The parts of users-service and catalog-service that orders-service calls, over real gRPC, with a stock
 * ledger a spec can read and failures it can switch on. Reservations behave like catalog-service's:
 * idempotent by id, all lines or none, and a release that arrives first is remembered. Like catalog-service,
 * it takes stock calls only from a service granted catalog:stock, checked by the same guard.
 */
export class FakeUpstream {
  constructor(readonly tokens: AccessTokens) {}

  readonly users = new Set<string>();
  readonly products = new Map<string, { product: Product; stock: number }>();
  readonly reservations = new Map<string, { lines: { productId: string; quantity: number }[]; released: boolean }>();
  readonly failures = {
    getUser: 'none' as Failure,
    batchGetProducts: 'none' as Failure,
    reserveStock: 'none' as Failure,
    releaseStock: 'none' as Failure,
  };
  readonly calls: Record<string, number> = {};

  addUser(): string {
    const id = uuidv7();
    this.users.add(id);
    return id;
  }

  addProduct(name: string, amountMinor: number, stock: number): string {
    const id = uuidv7();
    const now = toTimestamp(new Date());
    this.products.set(id, {
      product: {
        id,
        sku: name.toUpperCase(),
        name,
        description: '',
        price: { amountMinor: String(amountMinor), currencyCode: 'USD' },
        stockOnHand: stock,
        createTime: now,
        updateTime: now,
      },
      stock,
    });
    return id;
  }

  stockOf(productId: string): number {
    return this.products.get(productId)?.stock ?? Number.NaN;
  }

  /** Stock currently held by reservations that were not released. */
  reservedUnits(): number {
    return [...this.reservations.values()]
      .filter((r) => !r.released)
      .reduce((sum, r) => sum + r.lines.reduce((s, l) => s + l.quantity, 0), 0);
  }

  count(rpc: string): void {
    this.calls[rpc] = (this.calls[rpc] ?? 0) + 1;
  }

  reserve(request: ReserveStockRequest): void {
    const existing = this.reservations.get(request.reservationId);
    if (existing?.released) throw new DomainError('FAILED_PRECONDITION', 'CATALOG.RESERVATION_RELEASED', 'released');
    if (existing) return;
    for (const line of request.lines) {
      const entry = this.products.get(line.productId);
      if (!entry || entry.stock < line.quantity) {
        throw new DomainError(
          'FAILED_PRECONDITION',
          'CATALOG.OUT_OF_STOCK',
          `Only ${entry?.stock ?? 0} of ${entry?.product.name ?? line.productId} are in stock.`,
        );
      }
    }
    for (const line of request.lines) this.adjustStock(line.productId, -line.quantity);
    this.reservations.set(request.reservationId, {
      lines: request.lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      released: false,
    });
  }

  private adjustStock(productId: string, by: number): void {
    const entry = this.products.get(productId);
    if (entry) entry.stock += by;
  }

  release(reservationId: string): void {
    const existing = this.reservations.get(reservationId);
    if (!existing) {
      this.reservations.set(reservationId, { lines: [], released: true });
      return;
    }
    if (existing.released) return;
    for (const line of existing.lines) this.adjustStock(line.productId, line.quantity);
    existing.released = true;
  }
}

function misbehave(failure: Failure): Promise<void> | void {
  if (failure === 'unavailable') throw new DomainError('UNAVAILABLE', 'TEST.UNAVAILABLE', 'switched off by the test');
  if (failure === 'hang') return new Promise(() => undefined);
}

/** Starts the stand-in services on `address` (a Unix socket or host:port). */
export async function startFakeUpstream(fake: FakeUpstream, address: string): Promise<INestMicroservice> {
  @GrpcController()
  class FakeUsersController {
    @GrpcMethod(USERS_SERVICE_NAME, 'GetUser')
    async getUser(request: GetUserRequest): Promise<GetUserResponse> {
      fake.count('GetUser');
      await misbehave(fake.failures.getUser);
      if (fake.failures.getUser === 'missing' || !fake.users.has(request.id)) throw DomainError.notFound('USERS.NOT_FOUND', 'no such user');
      return { user: { id: request.id, name: 'Someone', role: UserRole.USER_ROLE_CUSTOMER, createTime: undefined, updateTime: undefined } };
    }
  }

  @GrpcController()
  class FakeCatalogController {
    @GrpcMethod(CATALOG_SERVICE_NAME, 'BatchGetProducts')
    async batchGetProducts(request: BatchGetProductsRequest): Promise<BatchGetProductsResponse> {
      fake.count('BatchGetProducts');
      await misbehave(fake.failures.batchGetProducts);
      return {
        products: request.ids.flatMap((id) => {
          const entry = fake.products.get(id);
          return entry ? [{ ...entry.product, stockOnHand: entry.stock }] : [];
        }),
      };
    }

    @GrpcMethod(CATALOG_SERVICE_NAME, 'ReserveStock')
    @ServiceOnly(SERVICE_SCOPES.catalogStock)
    async reserveStock(request: ReserveStockRequest): Promise<ReserveStockResponse> {
      fake.count('ReserveStock');
      await misbehave(fake.failures.reserveStock);
      fake.reserve(request);
      if (fake.failures.reserveStock === 'fail-after-reserving')
        throw new DomainError('UNAVAILABLE', 'TEST.LOST_RESPONSE', 'reserved, but the answer was lost');
      return {
        reservation: {
          id: request.reservationId,
          lines: request.lines,
          status: ReservationStatus.RESERVATION_STATUS_RESERVED,
          createTime: undefined,
          updateTime: undefined,
        },
      };
    }

    @GrpcMethod(CATALOG_SERVICE_NAME, 'ReleaseStock')
    @ServiceOnly(SERVICE_SCOPES.catalogStock)
    async releaseStock(request: ReleaseStockRequest): Promise<ReleaseStockResponse> {
      fake.count('ReleaseStock');
      await misbehave(fake.failures.releaseStock);
      fake.release(request.reservationId);
      return {
        reservation: {
          id: request.reservationId,
          lines: [],
          status: ReservationStatus.RESERVATION_STATUS_RELEASED,
          createTime: undefined,
          updateTime: undefined,
        },
      };
    }
  }

  @Module({
    controllers: [FakeUsersController, FakeCatalogController],
    providers: [
      { provide: LOGGER, useValue: createLogger('fake-upstream', 'silent') },
      { provide: AccessTokens, useValue: fake.tokens },
      { provide: SERVICE_AUDIENCE, useValue: serviceAudience('catalog-service') },
    ],
  })
  class FakeUpstreamModule {}

  const control = new GrpcServerControl([`${TRIAD_USERS_V1_PACKAGE_NAME}.UsersService`, `${TRIAD_CATALOG_V1_PACKAGE_NAME}.CatalogService`]);
  const server = await NestFactory.createMicroservice(FakeUpstreamModule, {
    ...grpcServerOptions(control, [TRIAD_USERS_V1_PACKAGE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME], address),
    logger: false,
  });
  await server.listen();
  return server;
}
