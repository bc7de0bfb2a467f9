import { randomUUID } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { GrpcMethod, type MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  ORDERS_SERVICE_NAME,
  OrderStatus,
  TRIAD_ORDERS_V1_PACKAGE_NAME,
  type WatchOrderRequest,
  type WatchOrderResponse,
} from '@triad/contracts/orders/v1';
import {
  AccessTokens,
  callerFromMetadata,
  canActFor,
  createLogger,
  DomainError,
  GrpcController,
  GrpcServerControl,
  grpcServerOptions,
  LOGGER,
  requireCaller,
  toTimestamp,
  type Caller,
} from '@triad/platform';
import { freePort } from '@triad/testing';
import { concat, defer, filter, finalize, map, of, Subject, switchMap, takeWhile, type Observable } from 'rxjs';

export type StandInStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

/** An order as the stand-ins keep it. */
export interface StandInOrder {
  id: string;
  userId: string;
  status: StandInStatus;
  items: { productId: string; quantity: number }[];
  changedAt: Date;
}

/**
 * The orders that the stand-in orders-service and the stand-in orders subgraph share. A spec places orders and
 * moves them along directly, and reads how many WatchOrder streams the server has open.
 */
export class StandInOrders {
  readonly byId = new Map<string, StandInOrder>();
  /** WatchOrder calls received, refused ones included. */
  watchCalls = 0;
  /** WatchOrder streams open on the server: each closes when its order is final or its client cancels. */
  openWatches = 0;
  private readonly changes = new Subject<StandInOrder>();

  place(userId: string, items: StandInOrder['items']): StandInOrder {
    const order: StandInOrder = { id: randomUUID(), userId, status: 'PENDING', items, changedAt: new Date() };
    this.byId.set(order.id, order);
    return order;
  }

  move(id: string, status: StandInStatus): void {
    const order = this.byId.get(id)!;
    Object.assign(order, { status, changedAt: new Date() });
    this.changes.next({ ...order });
  }

  /** Someone else's order is not found, as in orders-service, so ids cannot be probed. */
  visible(id: string, caller: Caller): StandInOrder | undefined {
    const order = this.byId.get(id);
    return order && canActFor(caller, order.userId) ? order : undefined;
  }

  /** The order now, then each change, ending after a final status; fails as orders-service's WatchOrder does. */
  watch(id: string, caller: Caller | undefined): Observable<StandInOrder> {
    return defer(() => {
      const order = this.visible(id, requireCaller(caller));
      if (!order) throw DomainError.notFound('ORDERS.NOT_FOUND', `No order has the id ${id}.`);
      this.openWatches += 1;
      return concat(of({ ...order }), this.changes.pipe(filter((change) => change.id === id))).pipe(
        takeWhile((change) => change.status !== 'DELIVERED' && change.status !== 'CANCELLED', true),
        finalize(() => (this.openWatches -= 1)),
      );
    });
  }
}

/** orders-service's WatchOrder over {@link StandInOrders}; the RPCs it leaves out answer UNIMPLEMENTED. */
@GrpcController()
export class StandInOrdersGrpcController {
  constructor(
    private readonly orders: StandInOrders,
    private readonly tokens: AccessTokens,
  ) {}

  @GrpcMethod(ORDERS_SERVICE_NAME)
  watchOrder(request: WatchOrderRequest, metadata: Metadata): Observable<WatchOrderResponse> {
    this.orders.watchCalls += 1;
    return defer(() => callerFromMetadata(this.tokens, metadata)).pipe(
      switchMap((caller) => this.orders.watch(request.id, caller)),
      map((order) => ({
        orderId: order.id,
        status: OrderStatus[`ORDER_STATUS_${order.status}`],
        changeTime: toTimestamp(order.changedAt),
      })),
    );
  }
}

/** A real gRPC server for the orders contract on a free port, answering from `orders`. */
export async function startStandInOrdersService(
  orders: StandInOrders,
  tokens: AccessTokens,
): Promise<{ address: string; stop(): Promise<void> }> {
  const address = `127.0.0.1:${await freePort()}`;
  const control = new GrpcServerControl([`${TRIAD_ORDERS_V1_PACKAGE_NAME}.${ORDERS_SERVICE_NAME}`]);
  const moduleRef = await Test.createTestingModule({
    controllers: [StandInOrdersGrpcController],
    providers: [
      { provide: StandInOrders, useValue: orders },
      { provide: AccessTokens, useValue: tokens },
      { provide: LOGGER, useValue: createLogger('orders-service', 'silent') },
    ],
  }).compile();
  const service = moduleRef.createNestMicroservice<MicroserviceOptions>({
    ...grpcServerOptions(control, [TRIAD_ORDERS_V1_PACKAGE_NAME], address),
    logger: false,
  });
  await service.listen();
  let stopped: Promise<void> | undefined;
  return {
    address,
    stop: () => {
      // A stream still open would hold a graceful close forever.
      control.beginDrain(200);
      return (stopped ??= service.close());
    },
  };
}
