import { ApiProperty } from '@nestjs/swagger';
import { OrderStatus, type WatchOrderResponse } from '@triad/contracts/orders/v1';
import { DomainError } from '@triad/platform';
import { isoTime } from '../../resources/iso-time.js';
import { orderStatusName, STATUS_NAMES, type OrderStatusName } from '../orders.dto.js';

/** The header an EventSource sends when it reconnects: the id of the last event it received. */
export const LAST_EVENT_ID_HEADER = 'Last-Event-ID';

export class OrderStatusEventResource {
  @ApiProperty({ format: 'uuid' })
  order_id!: string;

  @ApiProperty({ enum: STATUS_NAMES, description: 'The status the order has from `changed_at` on.' })
  status!: OrderStatusName;

  @ApiProperty({ format: 'date-time', description: 'When the order took this status.' })
  changed_at!: string;
}

/** One status of a watched order, with the id of the event that carries it. */
export interface OrderStatusEvent {
  id: bigint;
  final: boolean;
  resource: OrderStatusEventResource;
  /** The trace that made the change, for a span link; not sent to the client. */
  traceparent: string;
}

/**
 * An orders-service status change as an event. Its id is the change time in nanoseconds since 1970: orders-
 * service sends each order's changes with strictly increasing times (it drops anything not newer than what
 * it sent), so the id both names a change and orders it. A per-order counter could not work here: WatchOrder
 * starts with the current status, and nothing tells this edge how many changes came before it.
 */
export function toOrderStatusEvent(change: WatchOrderResponse): OrderStatusEvent {
  // proto-loader delivers an unset message field as null; orders-service always sets it, so this is a broken contract.
  if (!change.changeTime) throw new Error('orders-service sent a status change without its time');
  const status = orderStatusName(change.status);
  return {
    id: BigInt(change.changeTime.seconds) * 1_000_000_000n + BigInt(change.changeTime.nanos),
    final: change.status === OrderStatus.ORDER_STATUS_DELIVERED || change.status === OrderStatus.ORDER_STATUS_CANCELLED,
    resource: { order_id: change.orderId, status, changed_at: isoTime(change.changeTime) },
    traceparent: change.traceparent,
  };
}

/** The event id a reconnecting client last received, from `Last-Event-ID`; undefined on a first connection. */
export function lastEventId(header: string | undefined): bigint | undefined {
  if (header === undefined || header === '') return undefined;
  if (/^\d{1,30}$/.test(header)) return BigInt(header);
  throw DomainError.invalidArgument('REQUEST.INVALID_FIELDS', [
    { field: LAST_EVENT_ID_HEADER, description: 'must be the id of an event of this stream, a whole number' },
  ]);
}
