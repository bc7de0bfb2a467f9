import { Inject, Injectable } from '@nestjs/common';
import {
  canActFor,
  decodePageToken,
  encodePageToken,
  LOGGER,
  requireAdmin,
  requireCaller,
  requireScope,
  requireUserThemselves,
  requireUuid,
  resolvePageSize,
  USER_SCOPES,
  type Caller,
} from '@triad/platform';
import type { Logger } from 'pino';
import { CatalogClient } from '../upstream/catalog-client.service.js';
import { canMove, statusesBefore, type Order, type OrderStatus } from './order.js';
import { OrdersErrors } from './orders.errors.js';
import { OrdersRepository } from './orders.repository.js';

const ORDERS_LIST = 'orders';

/** Reading orders and moving them through their lifecycle. Only the owner or an admin sees an order. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly catalog: CatalogClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Someone else's order is NOT_FOUND rather than PERMISSION_DENIED, so ids cannot be probed. */
  async getOrder(id: string, caller: Caller | undefined): Promise<Order> {
    const viewer = requireScope(requireCaller(caller), USER_SCOPES.ordersRead, 'reading orders');
    const order = await this.orders.findById(requireUuid(id, 'id', OrdersErrors.INVALID_INPUT, 'an order id'));
    if (!order || !canActFor(viewer, order.userId)) throw OrdersErrors.notFound(id);
    return order;
  }

  /** The visible orders among `ids`, in request order; unknown or hidden ids are left out. */
  async batchGetOrders(ids: readonly string[], caller: Caller | undefined): Promise<Order[]> {
    const viewer = requireScope(requireCaller(caller), USER_SCOPES.ordersRead, 'reading orders');
    const wanted = ids.map((id, index) => requireUuid(id, `ids[${index}]`, OrdersErrors.INVALID_INPUT, 'an order id'));
    const byId = new Map((await this.orders.findByIds([...new Set(wanted)])).map((order) => [order.id, order]));
    return wanted.flatMap((id) => {
      const order = byId.get(id);
      return order && canActFor(viewer, order.userId) ? [order] : [];
    });
  }

  async listOrders(
    request: { userId: string; pageSize?: number; pageToken?: string },
    caller: Caller | undefined,
  ): Promise<{ orders: Order[]; nextPageToken: string }> {
    const viewer = requireScope(requireCaller(caller), USER_SCOPES.ordersRead, 'reading orders');
    const userId = requireUuid(request.userId, 'user_id', OrdersErrors.INVALID_INPUT, 'a user id');
    if (!canActFor(viewer, userId)) throw OrdersErrors.notYours();
    const limit = resolvePageSize(request.pageSize);
    // The list is one user's, so a token from another user's list is refused.
    const list = `${ORDERS_LIST}:${userId}`;
    const before = decodePageToken(list, request.pageToken)?.['before'];
    const page = await this.orders.listByUser(
      userId,
      before === undefined ? undefined : requireUuid(before, 'page_token', OrdersErrors.INVALID_INPUT, 'a token this list returned'),
      limit,
    );
    const last = page.orders.at(-1);
    return {
      orders: page.orders,
      nextPageToken: page.hasMore && last ? encodePageToken(list, { before: last.id }) : '',
    };
  }

  /** Cancels a PENDING or CONFIRMED order and returns its stock. Cancelling a cancelled order changes nothing. */
  async cancelOrder(id: string, caller: Caller | undefined): Promise<Order> {
    requireScope(requireCaller(caller), USER_SCOPES.ordersWrite, 'cancelling orders');
    const order = await this.getOrder(id, caller);
    if (order.status === 'cancelled') return order;
    const cancelled = await this.orders.changeStatus(order.id, statusesBefore('cancelled'), 'cancelled');
    if (!cancelled) throw OrdersErrors.illegalTransition((await this.getOrder(id, caller)).status, 'cancelled');
    await this.releaseStockOf(cancelled.id);
    return cancelled;
  }

  /** Moves an order one step along its lifecycle. Admins only; cancelling goes through `cancelOrder`. */
  async changeStatus(id: string, to: OrderStatus, caller: Caller | undefined): Promise<Order> {
    requireUserThemselves(requireAdmin(caller, 'change the status of an order'), 'change the status of an order');
    if (to === 'cancelled') return this.cancelOrder(id, caller);
    const order = await this.getOrder(id, caller);
    if (!canMove(order.status, to)) throw OrdersErrors.illegalTransition(order.status, to);
    const changed = await this.orders.changeStatus(order.id, [order.status], to);
    if (!changed) throw OrdersErrors.illegalTransition((await this.getOrder(id, caller)).status, to);
    return changed;
  }

  /**
   * Returns a cancelled order's stock. The cancellation is already committed, so a failure here is not the
   * caller's problem: `stock_reserved` stays true and PlacementRecovery retries until catalog-service confirms.
   */
  async releaseStockOf(orderId: string): Promise<void> {
    try {
      await this.catalog.releaseStock(orderId);
      await this.orders.markStockReleased(orderId);
    } catch (error) {
      this.logger.warn({ orderId, err: error }, 'could not release the stock of a cancelled order now; placement recovery will retry');
    }
  }
}
