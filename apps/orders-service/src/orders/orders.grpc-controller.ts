import { Payload } from '@nestjs/microservices';
import {
  OrdersServiceControllerMethods,
  type BatchGetOrdersRequest,
  type BatchGetOrdersResponse,
  type CancelOrderRequest,
  type CancelOrderResponse,
  type GetOrderRequest,
  type GetOrderResponse,
  type ListOrdersRequest,
  type ListOrdersResponse,
  type OrdersServiceController,
  type PlaceOrderRequest,
  type PlaceOrderResponse,
  type QuoteCartRequest,
  type QuoteCartResponse,
  type UpdateOrderStatusRequest,
  type UpdateOrderStatusResponse,
  type WatchOrderRequest,
  type WatchOrderResponse,
} from '@triad/contracts/orders/v1';
import { DomainError, GrpcCaller, GrpcController, toProtoMoney, toTimestamp, type Caller, type WithCaller } from '@triad/platform';
import { map, type Observable } from 'rxjs';
import { PlaceOrderService } from '../place-order/place-order.service.js';
import { QuoteCartService, type CartEdit } from '../quote-cart/quote-cart.service.js';
import { OrderEventsService } from './order-events.service.js';
import { availabilityToProto, orderToProto, statusFromProto, statusToProto } from './order.mapper.js';
import { OrdersErrors } from './orders.errors.js';
import { OrdersService } from './orders.service.js';

/** The gRPC face of orders-service: translates messages to use-case calls and back, nothing more. */
@GrpcController()
@OrdersServiceControllerMethods()
export class OrdersGrpcController implements WithCaller<OrdersServiceController> {
  constructor(
    private readonly placement: PlaceOrderService,
    private readonly orders: OrdersService,
    private readonly events: OrderEventsService,
    private readonly quotes: QuoteCartService,
  ) {}

  async placeOrder(@Payload() request: PlaceOrderRequest, @GrpcCaller() caller: Caller | undefined): Promise<PlaceOrderResponse> {
    const order = await this.placement.placeOrder(
      { idempotencyKey: request.idempotencyKey, userId: request.userId, lines: request.lines },
      caller,
    );
    return { order: orderToProto(order) };
  }

  async getOrder(@Payload() request: GetOrderRequest, @GrpcCaller() caller: Caller | undefined): Promise<GetOrderResponse> {
    return { order: orderToProto(await this.orders.getOrder(request.id, caller)) };
  }

  async batchGetOrders(
    @Payload() request: BatchGetOrdersRequest,
    @GrpcCaller() caller: Caller | undefined,
  ): Promise<BatchGetOrdersResponse> {
    const orders = await this.orders.batchGetOrders(request.ids, caller);
    return { orders: orders.map(orderToProto) };
  }

  async listOrders(@Payload() request: ListOrdersRequest, @GrpcCaller() caller: Caller | undefined): Promise<ListOrdersResponse> {
    const page = await this.orders.listOrders({ userId: request.userId, pageSize: request.pageSize, pageToken: request.pageToken }, caller);
    return { orders: page.orders.map(orderToProto), nextPageToken: page.nextPageToken };
  }

  async cancelOrder(@Payload() request: CancelOrderRequest, @GrpcCaller() caller: Caller | undefined): Promise<CancelOrderResponse> {
    return { order: orderToProto(await this.orders.cancelOrder(request.id, caller)) };
  }

  async updateOrderStatus(
    @Payload() request: UpdateOrderStatusRequest,
    @GrpcCaller() caller: Caller | undefined,
  ): Promise<UpdateOrderStatusResponse> {
    return { order: orderToProto(await this.orders.changeStatus(request.id, statusFromProto(request.status), caller)) };
  }

  watchOrder(@Payload() request: WatchOrderRequest, @GrpcCaller() caller: Caller | undefined): Observable<WatchOrderResponse> {
    return this.events.watch(request.id, caller).pipe(
      map((change) => ({
        orderId: change.orderId,
        status: statusToProto(change.status),
        changeTime: toTimestamp(change.changedAt),
        traceparent: change.traceparent ?? '',
      })),
    );
  }

  quoteCart(requests: Observable<QuoteCartRequest>): Observable<QuoteCartResponse> {
    return this.quotes.quote(requests.pipe(map(toCartEdit))).pipe(
      map((quote) => ({
        lines: quote.lines.map((line) => ({
          productId: line.productId,
          quantity: line.quantity,
          unitPrice: line.unitPrice ? toProtoMoney(line.unitPrice) : undefined,
          lineTotal: line.lineTotal ? toProtoMoney(line.lineTotal) : undefined,
          availability: availabilityToProto(line.availability),
        })),
        subtotal: toProtoMoney(quote.subtotal),
      })),
    );
  }
}

function toCartEdit(request: QuoteCartRequest): CartEdit {
  if (request.setLine) return { setLine: { productId: request.setLine.productId, quantity: request.setLine.quantity } };
  if (request.removeLine) return { removeLine: { productId: request.removeLine.productId } };
  if (request.clear) return { clear: true };
  throw DomainError.invalidArgument(OrdersErrors.INVALID_INPUT, [
    { field: 'edit', description: 'must be one of set_line, remove_line or clear' },
  ]);
}
