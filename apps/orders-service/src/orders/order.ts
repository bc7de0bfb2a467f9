import type { MoneyAmount } from '@triad/platform';
import type { OrderState } from '../db/schema.js';

/** The states a client can see; `placing` and `abandoned` never leave the service. */
export type OrderStatus = Exclude<OrderState, 'placing' | 'abandoned'>;

/** An amount of money in minor units (cents), exact. */
export type Money = MoneyAmount;

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
}

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  items: OrderItem[];
  total: Money;
  idempotencyKey: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A change of an order's status, as watchers receive it. */
export interface OrderStatusChange {
  orderId: string;
  status: OrderStatus;
  changedAt: Date;
  /** The trace that made the change (W3C `traceparent`); absent for the status a watch starts with. */
  traceparent?: string;
}

/** The lifecycle: PENDING → CONFIRMED → SHIPPED → DELIVERED, and CANCELLED from PENDING or CONFIRMED. */
const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
};

export function canMove(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses an order may move to `to` from. */
export function statusesBefore(to: OrderStatus): OrderStatus[] {
  return (Object.keys(NEXT) as OrderStatus[]).filter((from) => canMove(from, to));
}

/** A final order changes no more; watchers stop there. */
export function isFinal(status: OrderStatus): boolean {
  return NEXT[status].length === 0;
}

/** The status a fulfilment step moves an order to next, if any (cancelling is not a step). */
export function nextFulfilmentStatus(status: OrderStatus): OrderStatus | undefined {
  return NEXT[status].find((next) => next !== 'cancelled');
}
