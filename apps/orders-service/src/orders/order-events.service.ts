import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DATABASE_HANDLE, DomainError, isUuid, LOGGER, spanContextOf, type Caller, type DatabaseHandle, type Unlisten } from '@triad/platform';
import type { Logger } from 'pino';
import { concat, defer, filter, from, mergeMap, Observable, Subject, takeWhile } from 'rxjs';
import { isFinal, type OrderStatus, type OrderStatusChange } from './order.js';
import { ORDER_STATUS_CHANNEL, OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';

/** How many watched orders one query re-reads after the LISTEN connection comes back. */
const CATCH_UP_BATCH = 500;

/**
 * Live order status. Every committed change is announced with NOTIFY by whichever instance made it; each
 * instance LISTENs once and fans the changes out to its own watchers, so a watcher connected to any
 * instance sees changes made through any other.
 */
@Injectable()
export class OrderEventsService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly changes = new Subject<OrderStatusChange>();
  /** Ends every open watch with the error it carries. */
  private readonly interruptions = new Subject<DomainError>();
  /** The orders open watches follow, each with how many watch it. */
  private readonly watched = new Map<string, number>();
  private unlisten: Unlisten | undefined;

  constructor(
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle<Record<string, unknown>>,
    private readonly orders: OrdersService,
    private readonly repository: OrdersRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unlisten = await this.database.listen(ORDER_STATUS_CHANNEL, (payload) => {
      const change = parseChange(payload);
      if (change) this.changes.next(change);
      else this.logger.warn({ payload }, 'ignored a malformed order status notification');
    });
    // PostgreSQL's LISTEN connection comes back by itself when it is lost (a restart, a failover), but what was
    // notified meanwhile is gone. Embedded PGlite has no connection to lose, and no `onReconnect`.
    this.unlisten.onReconnect?.(() => void this.catchUp());
  }

  /**
   * Ends every watch with UNAVAILABLE before the gRPC server drains, so clients reconnect (to another
   * instance) at once instead of holding up the shutdown and being cut off without a reason.
   */
  beforeApplicationShutdown(): void {
    this.interruptions.next(
      new DomainError('UNAVAILABLE', 'ORDERS.SHUTTING_DOWN', 'This orders-service instance is shutting down: watch the order again.'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.changes.complete();
    await this.unlisten?.();
  }

  /** Watches open right now, so a leak shows: every watch that ends, however it ends, brings it back down. */
  get openWatches(): number {
    let open = 0;
    for (const watches of this.watched.values()) open += watches;
    return open;
  }

  /**
   * The order's current status, then each change as it is committed, ending after a final status. It listens
   * before reading the current status, so a change committed in between is not missed, and drops anything
   * not newer than what it already sent.
   */
  watch(orderId: string, caller: Caller | undefined): Observable<OrderStatusChange> {
    return new Observable<OrderStatusChange>((subscriber) => {
      const unfollow = this.follow(orderId);
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
      const interrupted = this.interruptions.subscribe((error) => subscriber.error(error));
      return () => {
        unfollow();
        early.unsubscribe();
        subscription.unsubscribe();
        interrupted.unsubscribe();
      };
    });
  }

  /** Counts one more watch of `orderId`, until the function it returns is called. */
  private follow(orderId: string): () => void {
    this.watched.set(orderId, (this.watched.get(orderId) ?? 0) + 1);
    return () => {
      const left = (this.watched.get(orderId) ?? 1) - 1;
      if (left > 0) this.watched.set(orderId, left);
      else this.watched.delete(orderId);
    };
  }

  /**
   * After the LISTEN connection came back: reads every watched order again and passes its current status on as
   * a change. Each watch sends it only if it is newer than what that watch sent, so a change committed while
   * nobody listened arrives, and an order that did not change sends nothing. If the orders cannot be read, the
   * watches end with UNAVAILABLE: a client that watches again gets the current status first, as always.
   */
  private async catchUp(): Promise<void> {
    // A watch of an id that is no UUID is failing with INVALID_ARGUMENT; the query would fail on it.
    const ids = [...this.watched.keys()].filter((id) => isUuid(id));
    try {
      for (let start = 0; start < ids.length; start += CATCH_UP_BATCH) {
        for (const order of await this.repository.findByIds(ids.slice(start, start + CATCH_UP_BATCH))) {
          this.changes.next({ orderId: order.id, status: order.status, changedAt: order.updatedAt });
        }
      }
      this.logger.info({ watchedOrders: ids.length }, 'order status notifications resumed: watched orders re-read');
    } catch (error) {
      this.logger.warn(
        { err: error, watchedOrders: ids.length },
        'order status notifications resumed, but watched orders could not be re-read',
      );
      this.interruptions.next(
        new DomainError(
          'UNAVAILABLE',
          'ORDERS.WATCH_INTERRUPTED',
          'This orders-service instance may have missed a change of the order: watch the order again.',
        ),
      );
    }
  }
}

function parseChange(payload: string): OrderStatusChange | undefined {
  try {
    const value = JSON.parse(payload) as { orderId?: unknown; status?: unknown; changedAt?: unknown; traceparent?: unknown };
    if (typeof value.orderId !== 'string' || typeof value.status !== 'string' || typeof value.changedAt !== 'string') return undefined;
    if (value.status === 'placing') return undefined;
    const traceparent = typeof value.traceparent === 'string' && spanContextOf(value.traceparent) ? value.traceparent : undefined;
    return {
      orderId: value.orderId,
      status: value.status as OrderStatus,
      changedAt: new Date(value.changedAt),
      ...(traceparent ? { traceparent } : {}),
    };
  } catch {
    return undefined;
  }
}
