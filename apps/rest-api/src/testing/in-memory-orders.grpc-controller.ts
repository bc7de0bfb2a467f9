import type { Metadata } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import {
  ORDERS_SERVICE_NAME,
  OrderStatus,
  type CancelOrderRequest,
  type CancelOrderResponse,
  type GetOrderRequest,
  type GetOrderResponse,
  type ListOrdersRequest,
  type ListOrdersResponse,
  type Order,
  type OrdersServiceController,
  type PlaceOrderRequest,
  type PlaceOrderResponse,
  type UpdateOrderStatusRequest,
  type UpdateOrderStatusResponse,
  type WatchOrderRequest,
  type WatchOrderResponse,
} from '@triad/contracts/orders/v1';
import {
  AccessTokens,
  callerFromMetadata,
  canActFor,
  decodePageToken,
  DomainError,
  encodePageToken,
  fromTimestamp,
  GrpcController,
  isUuid,
  requireAdmin,
  requireCaller,
  requireUuid,
  resolvePageSize,
  toProtoMoney,
  toTimestamp,
  uuidv7,
  type Caller,
  type FieldViolation,
} from '@triad/platform';
import { concat, defer, filter, Observable, of, Subject, switchMap, takeWhile } from 'rxjs';
import { InMemoryCatalog } from './in-memory-catalog.grpc-controller.js';

/** One WatchOrder stream and how it has ended so far: a spec sees a watch whose client went away as `cancelled`. */
export interface OrderWatch {
  orderId: string;
  state: 'open' | 'completed' | 'failed' | 'cancelled';
}

/** The orders of the stand-in orders-service, which a spec reads and moves along directly. */
export class InMemoryOrders {
  /** Orders as orders-service sends them, oldest first. */
  readonly byId = new Map<string, Order>();
  /** Each user's idempotency keys: the request each was first used for, and the order it placed. */
  readonly placements = new Map<string, { request: string; orderId: string }>();
  /** Every WatchOrder stream opened, oldest first. */
  readonly watches: OrderWatch[] = [];
  /** Each status change, as WatchOrder streams it. */
  readonly changes = new Subject<WatchOrderResponse>();

  /** Moves an order to `status` now and tells its watchers, as orders-service does; a spec calls it to push a change. */
  setStatus(id: string, status: OrderStatus): Order {
    const order = this.byId.get(id)!;
    // Each change is later than the one before, as orders-service's database clock makes them, even within a millisecond.
    const changedAt = new Date(Math.max(Date.now(), fromTimestamp(order.updateTime)!.getTime() + 1));
    Object.assign(order, { status, updateTime: toTimestamp(changedAt) });
    this.changes.next({ orderId: id, status, changeTime: order.updateTime });
    return order;
  }

  ship(id: string): void {
    this.setStatus(id, OrderStatus.ORDER_STATUS_SHIPPED);
  }
}

/** The fulfilment steps UpdateOrderStatus takes, one at a time; delivered and cancelled are final. */
const NEXT_STATUS: Partial<Record<OrderStatus, OrderStatus>> = {
  [OrderStatus.ORDER_STATUS_PENDING]: OrderStatus.ORDER_STATUS_CONFIRMED,
  [OrderStatus.ORDER_STATUS_CONFIRMED]: OrderStatus.ORDER_STATUS_SHIPPED,
  [OrderStatus.ORDER_STATUS_SHIPPED]: OrderStatus.ORDER_STATUS_DELIVERED,
};
const FINAL_STATUSES: readonly OrderStatus[] = [OrderStatus.ORDER_STATUS_DELIVERED, OrderStatus.ORDER_STATUS_CANCELLED];

type OrdersMethods = 'placeOrder' | 'getOrder' | 'listOrders' | 'cancelOrder' | 'updateOrderStatus' | 'watchOrder';

/**
 * An orders-service for rest-api's specs: the RPCs rest-api calls, over in-memory maps, failing with the same
 * domain errors as the real service. It prices and takes stock from the stand-in catalog's products directly,
 * where the real service calls catalog-service. The RPCs it leaves out answer UNIMPLEMENTED.
 */
@GrpcController()
export class InMemoryOrdersGrpcController implements Pick<OrdersServiceController, OrdersMethods> {
  constructor(
    private readonly orders: InMemoryOrders,
    private readonly catalog: InMemoryCatalog,
    private readonly tokens: AccessTokens,
  ) {}

  @GrpcMethod(ORDERS_SERVICE_NAME)
  async placeOrder(request: PlaceOrderRequest, metadata: Metadata): Promise<PlaceOrderResponse> {
    const caller = requireCaller(await callerFromMetadata(this.tokens, metadata));
    if (!canActFor(caller, request.userId)) throw DomainError.permissionDenied('You can place orders only for yourself.');
    checkLines(request);
    const key = `${request.userId} ${request.idempotencyKey}`;
    const fingerprint = JSON.stringify(request.lines.map((line) => [line.productId, line.quantity]).sort());
    const earlier = this.orders.placements.get(key);
    if (earlier) {
      if (earlier.request !== fingerprint) {
        throw new DomainError(
          'FAILED_PRECONDITION',
          'ORDERS.IDEMPOTENCY_KEY_REUSED',
          `The idempotency key ${request.idempotencyKey} was already used for a different order: use a new key for a new order.`,
        );
      }
      return { order: this.orders.byId.get(earlier.orderId) };
    }
    const order = this.place(request);
    this.orders.placements.set(key, { request: fingerprint, orderId: order.id });
    return { order };
  }

  @GrpcMethod(ORDERS_SERVICE_NAME)
  async getOrder(request: GetOrderRequest, metadata: Metadata): Promise<GetOrderResponse> {
    return { order: this.visibleOrder(request.id, requireCaller(await callerFromMetadata(this.tokens, metadata))) };
  }

  @GrpcMethod(ORDERS_SERVICE_NAME)
  async listOrders(request: ListOrdersRequest, metadata: Metadata): Promise<ListOrdersResponse> {
    const caller = requireCaller(await callerFromMetadata(this.tokens, metadata));
    const userId = requireUuid(request.userId, 'user_id', 'ORDERS.INVALID_INPUT', 'a user id');
    if (!canActFor(caller, userId)) throw DomainError.permissionDenied('Only the owner of these orders or an admin can see them.');
    const size = resolvePageSize(request.pageSize);
    const list = `orders:${userId}`;
    const offset = Number(decodePageToken(list, request.pageToken)?.['offset'] ?? 0);
    const newestFirst = [...this.orders.byId.values()].filter((order) => order.userId === userId).reverse();
    const next = offset + size < newestFirst.length ? encodePageToken(list, { offset: String(offset + size) }) : '';
    return { orders: newestFirst.slice(offset, offset + size), nextPageToken: next };
  }

  @GrpcMethod(ORDERS_SERVICE_NAME)
  async cancelOrder(request: CancelOrderRequest, metadata: Metadata): Promise<CancelOrderResponse> {
    const order = this.visibleOrder(request.id, requireCaller(await callerFromMetadata(this.tokens, metadata)));
    if (order.status === OrderStatus.ORDER_STATUS_CANCELLED) return { order };
    if (order.status !== OrderStatus.ORDER_STATUS_PENDING && order.status !== OrderStatus.ORDER_STATUS_CONFIRMED) {
      throw illegalStatusChange(order.status, OrderStatus.ORDER_STATUS_CANCELLED);
    }
    for (const item of order.items) this.catalog.byId.get(item.productId)!.stockOnHand += item.quantity;
    return { order: this.orders.setStatus(order.id, OrderStatus.ORDER_STATUS_CANCELLED) };
  }

  @GrpcMethod(ORDERS_SERVICE_NAME)
  async updateOrderStatus(request: UpdateOrderStatusRequest, metadata: Metadata): Promise<UpdateOrderStatusResponse> {
    const caller = requireAdmin(await callerFromMetadata(this.tokens, metadata), 'change the status of an order');
    if (request.status === OrderStatus.ORDER_STATUS_CANCELLED) return this.cancelOrder({ id: request.id }, metadata);
    const order = this.visibleOrder(request.id, caller);
    if (NEXT_STATUS[order.status] !== request.status) throw illegalStatusChange(order.status, request.status);
    return { order: this.orders.setStatus(order.id, request.status) };
  }

  /** The order's current status, then each change, ending after a final status; every stream is recorded in `watches`. */
  @GrpcMethod(ORDERS_SERVICE_NAME)
  watchOrder(request: WatchOrderRequest, metadata: Metadata): Observable<WatchOrderResponse> {
    const changes = defer(async () => this.visibleOrder(request.id, requireCaller(await callerFromMetadata(this.tokens, metadata)))).pipe(
      switchMap((order) =>
        concat(
          of({ orderId: order.id, status: order.status, changeTime: order.updateTime }),
          this.orders.changes.pipe(filter((change) => change.orderId === order.id)),
        ),
      ),
      takeWhile((change) => !FINAL_STATUSES.includes(change.status), true),
    );
    return new Observable((subscriber) => {
      const watch: OrderWatch = { orderId: request.id, state: 'open' };
      this.orders.watches.push(watch);
      const subscription = changes.subscribe({
        next: (change) => subscriber.next(change),
        error: (error: unknown) => {
          watch.state = 'failed';
          subscriber.error(error);
        },
        complete: () => {
          watch.state = 'completed';
          subscriber.complete();
        },
      });
      return () => {
        if (watch.state === 'open') watch.state = 'cancelled';
        subscription.unsubscribe();
      };
    });
  }

  /** Someone else's order is NOT_FOUND rather than PERMISSION_DENIED, as in orders-service, so ids cannot be probed. */
  private visibleOrder(id: string, caller: Caller): Order {
    const order = this.orders.byId.get(requireUuid(id, 'id', 'ORDERS.INVALID_INPUT', 'an order id'));
    if (!order || !canActFor(caller, order.userId)) throw DomainError.notFound('ORDERS.NOT_FOUND', `No order has the id ${id}.`);
    return order;
  }

  /** Takes the stock for every line, or for none of them, and stores the order as PENDING. */
  private place(request: PlaceOrderRequest): Order {
    const lines = request.lines.map((line) => {
      const product = this.catalog.byId.get(line.productId);
      if (!product)
        throw new DomainError(
          'FAILED_PRECONDITION',
          'ORDERS.PRODUCT_NOT_FOUND',
          `No product has the id ${line.productId}: remove it from the order.`,
        );
      if (product.stockOnHand < line.quantity) {
        const detail = `Not enough stock of ${product.name} (${product.sku}): ${line.quantity} requested, ${product.stockOnHand} available.`;
        throw new DomainError('FAILED_PRECONDITION', 'CATALOG.OUT_OF_STOCK', detail);
      }
      return { product, quantity: line.quantity };
    });
    for (const { product, quantity } of lines) product.stockOnHand -= quantity;
    const currencyCode = lines[0]!.product.price.currencyCode;
    const now = toTimestamp(new Date());
    const order: Order = {
      id: uuidv7(),
      userId: request.userId,
      status: OrderStatus.ORDER_STATUS_PENDING,
      items: lines.map(({ product, quantity }) => ({
        productId: product.id,
        quantity,
        unitPrice: toProtoMoney(product.price),
        lineTotal: toProtoMoney({ amountMinor: product.price.amountMinor * BigInt(quantity), currencyCode }),
      })),
      total: toProtoMoney({
        amountMinor: lines.reduce((sum, { product, quantity }) => sum + product.price.amountMinor * BigInt(quantity), 0n),
        currencyCode,
      }),
      idempotencyKey: request.idempotencyKey,
      createTime: now,
      updateTime: now,
    };
    this.orders.byId.set(order.id, order);
    return order;
  }
}

function illegalStatusChange(from: OrderStatus, to: OrderStatus): DomainError {
  const name = (status: OrderStatus) => status.replace('ORDER_STATUS_', '').toLowerCase();
  return new DomainError(
    'FAILED_PRECONDITION',
    'ORDERS.ILLEGAL_STATUS_CHANGE',
    `An order that is ${name(from)} cannot become ${name(to)}.`,
  );
}

/** Some of the rules orders-service checks and rest-api leaves to it, with fields named as in the proto request. */
function checkLines(request: PlaceOrderRequest): void {
  const violations: FieldViolation[] = [];
  if (request.idempotencyKey.length > 128) violations.push({ field: 'idempotency_key', description: 'must be at most 128 characters' });
  if (request.lines.length === 0) violations.push({ field: 'lines', description: 'must list at least one product' });
  request.lines.forEach((line, index) => {
    if (!isUuid(line.productId)) violations.push({ field: `lines[${index}].product_id`, description: 'must be a product id (a UUID)' });
    if (line.quantity < 1) violations.push({ field: `lines[${index}].quantity`, description: 'must be at least 1' });
  });
  if (violations.length > 0) throw DomainError.invalidArgument('ORDERS.INVALID_INPUT', violations);
}
