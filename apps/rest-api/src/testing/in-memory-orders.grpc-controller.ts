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
} from '@triad/contracts/orders/v1';
import {
  AccessTokens,
  callerFromMetadata,
  canActFor,
  decodePageToken,
  DomainError,
  encodePageToken,
  GrpcController,
  isUuid,
  requireCaller,
  requireUuid,
  resolvePageSize,
  toProtoMoney,
  toTimestamp,
  uuidv7,
  type Caller,
  type FieldViolation,
} from '@triad/platform';
import { InMemoryCatalog } from './in-memory-catalog.grpc-controller.js';

/** The orders of the stand-in orders-service, which a spec reads and moves along directly. */
export class InMemoryOrders {
  /** Orders as orders-service sends them, oldest first. */
  readonly byId = new Map<string, Order>();
  /** Each user's idempotency keys: the request each was first used for, and the order it placed. */
  readonly placements = new Map<string, { request: string; orderId: string }>();

  ship(id: string): void {
    const order = this.byId.get(id);
    if (order) order.status = OrderStatus.ORDER_STATUS_SHIPPED;
  }
}

type OrdersMethods = 'placeOrder' | 'getOrder' | 'listOrders' | 'cancelOrder';

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
      const from = order.status.replace('ORDER_STATUS_', '').toLowerCase();
      throw new DomainError('FAILED_PRECONDITION', 'ORDERS.ILLEGAL_STATUS_CHANGE', `An order that is ${from} cannot become cancelled.`);
    }
    for (const item of order.items) this.catalog.byId.get(item.productId)!.stockOnHand += item.quantity;
    Object.assign(order, { status: OrderStatus.ORDER_STATUS_CANCELLED, updateTime: toTimestamp(new Date()) });
    return { order };
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
