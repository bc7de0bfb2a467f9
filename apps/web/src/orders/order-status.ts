import type { OrderStatus } from '../generated/graphql';

const labels: Record<OrderStatus, string> = {
  PENDING: 'Pending',
  CONFIRMED: 'Confirmed',
  SHIPPED: 'Shipped',
  DELIVERED: 'Delivered',
  CANCELLED: 'Cancelled',
};

export function statusLabel(status: OrderStatus): string {
  return labels[status];
}

/** orders-service cancels only orders that have not shipped. */
export function canCancel(status: OrderStatus): boolean {
  return status === 'PENDING' || status === 'CONFIRMED';
}

export function formatDateTime(isoDateTime: string): string {
  return new Date(isoDateTime).toLocaleString();
}
