import { Metadata } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { ORDERS_SERVICE_NAME, type OrdersServiceClient, type WatchOrderResponse } from '@triad/contracts/orders/v1';
import { fromGrpcError, fromTimestamp, grpcClient, LOGGER, observeGauge, recordLinkedSpan, REQUEST_ID_HEADER } from '@triad/platform';
import type { Logger } from 'pino';
import { catchError, defer, finalize, map, tap, throwError, type Observable } from 'rxjs';

/** One status of a watched order, spelled as the GraphQL schema spells it. */
export interface OrderStatusChange {
  orderId: string;
  /** An `OrderStatus` value: PENDING, CONFIRMED, SHIPPED, DELIVERED or CANCELLED. */
  status: string;
  /** ISO 8601, for the `DateTime` scalar. */
  changedAt: string | undefined;
}

/** Who is watching, as orders-service needs to know it: it decides whether they may. */
export interface Watcher {
  requestId: string;
  /** The subscriber's `Bearer` token, forwarded as received. */
  authorization?: string | undefined;
}

/**
 * Watches orders over orders-service's WatchOrder stream and counts the calls open, so a leak shows: every
 * subscription that ends, by a final status, an error or the client leaving, must bring the count back down.
 * The count is the `triad.streams.open` gauge (`kind="graphql_subscription"`).
 */
@Injectable()
export class OrderWatchService {
  private open = 0;

  constructor(
    @Inject(grpcClient('orders-service', ORDERS_SERVICE_NAME)) private readonly orders: OrdersServiceClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    observeGauge('gateway', 'triad.streams.open', 'Live event streams open to clients.', async () => this.open, {
      kind: 'graphql_subscription',
    });
  }

  /** WatchOrder calls open right now. */
  get openCalls(): number {
    return this.open;
  }

  /**
   * The order's status now, then each change, completing after a final status. Each subscriber gets its own
   * call, started when it subscribes and cancelled when it unsubscribes. orders-service checks the token and
   * fails the call with NOT_FOUND for an order the caller may not see; failures arrive as DomainErrors.
   */
  watch(orderId: string, watcher: Watcher): Observable<OrderStatusChange> {
    return defer(() => {
      const metadata = new Metadata();
      metadata.set(REQUEST_ID_HEADER, watcher.requestId);
      if (watcher.authorization) metadata.set('authorization', watcher.authorization);
      this.open += 1;
      this.logger.debug({ requestId: watcher.requestId, orderId, openCalls: this.open }, 'WatchOrder call opened');
      return this.orders.watchOrder({ id: orderId }, metadata).pipe(
        finalize(() => {
          this.open -= 1;
          this.logger.debug({ requestId: watcher.requestId, orderId, openCalls: this.open }, 'WatchOrder call closed');
        }),
      );
    }).pipe(
      // Each change delivered is a span linked to the trace of the request that made it.
      tap((response) =>
        recordLinkedSpan('order.status.deliver', response.traceparent, {
          'triad.order.id': response.orderId,
          'triad.order.status': response.status,
          'triad.stream.kind': 'graphql_subscription',
        }),
      ),
      map(toChange),
      catchError((error: unknown) => throwError(() => fromGrpcError(error, 'orders-service'))),
    );
  }
}

function toChange(response: WatchOrderResponse): OrderStatusChange {
  return {
    orderId: response.orderId,
    status: response.status.replace(/^ORDER_STATUS_/, ''),
    changedAt: fromTimestamp(response.changeTime)?.toISOString(),
  };
}
