import { OrderStatus as ProtoOrderStatus, StockAvailability, type Order as ProtoOrder } from '@triad/contracts/orders/v1';
import { DomainError, toProtoMoney, toTimestamp } from '@triad/platform';
import type { Availability } from '../quote-cart/cart.js';
import type { Order, OrderStatus } from './order.js';
import { OrdersErrors } from './orders.errors.js';

/** Translations between the orders domain and the `triad.orders.v1` messages. */
const STATUS_TO_PROTO: Record<OrderStatus, ProtoOrderStatus> = {
  pending: ProtoOrderStatus.ORDER_STATUS_PENDING,
  confirmed: ProtoOrderStatus.ORDER_STATUS_CONFIRMED,
  shipped: ProtoOrderStatus.ORDER_STATUS_SHIPPED,
  delivered: ProtoOrderStatus.ORDER_STATUS_DELIVERED,
  cancelled: ProtoOrderStatus.ORDER_STATUS_CANCELLED,
};

const AVAILABILITY_TO_PROTO: Record<Availability, StockAvailability> = {
  in_stock: StockAvailability.STOCK_AVAILABILITY_IN_STOCK,
  insufficient_stock: StockAvailability.STOCK_AVAILABILITY_INSUFFICIENT_STOCK,
  product_not_found: StockAvailability.STOCK_AVAILABILITY_PRODUCT_NOT_FOUND,
};

export function statusToProto(status: OrderStatus): ProtoOrderStatus {
  return STATUS_TO_PROTO[status];
}

export function statusFromProto(status: ProtoOrderStatus | string): OrderStatus {
  const found = (Object.entries(STATUS_TO_PROTO) as [OrderStatus, ProtoOrderStatus][]).find(([, proto]) => proto === status);
  if (!found) {
    throw DomainError.invalidArgument(OrdersErrors.INVALID_INPUT, [
      { field: 'status', description: 'must be ORDER_STATUS_CONFIRMED, _SHIPPED, _DELIVERED or _CANCELLED' },
    ]);
  }
  return found[0];
}

export function availabilityToProto(availability: Availability): StockAvailability {
  return AVAILABILITY_TO_PROTO[availability];
}

export function orderToProto(order: Order): ProtoOrder {
  return {
    id: order.id,
    userId: order.userId,
    status: statusToProto(order.status),
    items: order.items.map((item) => ({
      productId: item.productId,
      quantity: item.quantity,
      unitPrice: toProtoMoney(item.unitPrice),
      lineTotal: toProtoMoney(item.lineTotal),
    })),
    total: toProtoMoney(order.total),
    idempotencyKey: order.idempotencyKey,
    createTime: toTimestamp(order.createdAt),
    updateTime: toTimestamp(order.updatedAt),
  };
}
