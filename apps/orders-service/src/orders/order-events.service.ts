import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DomainError, LOGGER, type Caller, type DatabaseHandle, type Unlisten } from '@triad/platform';
import type { Logger } from 'pino';
import { concat, defer, filter, from, mergeMap, Observable, Subject, takeWhile } from 'rxjs';
import { ORDERS_DATABASE_HANDLE } from '../db/database.js';
import { isFinal, type OrderStatus, type OrderStatusChange } from './order.js';
import { ORDER_STATUS_CHANNEL } from './orders.repository.js';
import { OrdersService } from './orders.service.js';

/**
 * Live order status. Every committed change is announced with NOTIFY by whichever instance made it; each
 * instance LISTENs once and fans the changes out to its own watchers, so a watcher connected to any
 * instance sees changes made through any other.
 */
@Injectable()
export class OrderEventsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly changes = new Subject<OrderStatusChange>();
  private readonly shuttingDown = new Subject<void>();
  private unlisten: Unlisten | undefined;

  constructor(
    @Inject(ORDERS_DATABASE_HANDLE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    private readonly orders: OrdersService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unlisten = await this.database.listen(ORDER_STATUS_CHANNEL, (payload) => {
      const change = parseChange(payload);
      if (change) this.changes.next(change);
      else this.logger.warn({ payload }, 'ignored a malformed order status notification');
    });
  }

  /**
   * Ends every watch with UNAVAILABLE before the gRPC server drains, so clients reconnect (to another
   * instance) at once instead of holding up the shutdown and being cut off without a reason.
   */
  beforeApplicationShutdown(): void {
    this.shuttingDown.next();
  }

  async onApplicationShutdown(): Promise<void> {
    this.changes.complete();
    await this.unlisten?.();
  }

  /**
   * The order's current status, then each change as it is committed, ending after a final status. It listens
   * before reading the current status, so a change committed in between is not missed, and drops anything
   * not newer than what it already sent.
   */
  watch(orderId: string, caller: Caller | undefined): Observable<OrderStatusChange> {
    return new Observable<OrderStatusChange>((subscriber) => {
      const buffered: OrderStatusChange[] = [];
      let current: OrderStatusChange | undefined;
      const live = this.changes.pipe(filter((change) => change.orderId === orderId));
      const early = live.subscribe((change) => buffered.push(change));
      const stream = concat(
        defer(async () => {
          const order = await this.orders.getOrder(orderId, caller);
          return { orderId: order.id, status: order.status, changedAt: order.updatedAt };
        }),
        defer(() => {
          early.unsubscribe();
          return concat(from(buffered), live);
        }),
      ).pipe(
        mergeMap((change) => {
          if (current && change.changedAt <= current.changedAt) return [];
          current = change;
          return [change];
        }),
        takeWhile((change) => !isFinal(change.status), true),
      );
      const subscription = stream.subscribe(subscriber);
      const shutdown = this.shuttingDown.subscribe(() =>
        subscriber.error(
          new DomainError('UNAVAILABLE', 'ORDERS.SHUTTING_DOWN', 'This orders-service instance is shutting down: watch the order again.'),
        ),
      );
      return () => {
        early.unsubscribe();
        subscription.unsubscribe();
        shutdown.unsubscribe();
      };
    });
  }
}

function parseChange(payload: string): OrderStatusChange | undefined {
  try {
    const value = JSON.parse(payload) as { orderId?: unknown; status?: unknown; changedAt?: unknown };
    if (typeof value.orderId !== 'string' || typeof value.status !== 'string' || typeof value.changedAt !== 'string') return undefined;
    if (value.status === 'placing') return undefined;
    return { orderId: value.orderId, status: value.status as OrderStatus, changedAt: new Date(value.changedAt) };
  } catch {
    return undefined;
  }
}
