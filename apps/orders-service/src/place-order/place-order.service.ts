import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  canActFor,
  DomainError,
  errorType,
  inSpan,
  lazyCounter,
  LOGGER,
  requireCaller,
  requireScope,
  USER_SCOPES,
  uuidv7,
  type Caller,
} from '@triad/platform';
import type { Logger } from 'pino';
import type { OrderRow } from '../db/schema.js';
import { parsePlaceOrder, type PlaceOrderInput } from '../orders/order-input.schema.js';
import type { Order } from '../orders/order.js';
import { OrdersErrors } from '../orders/orders.errors.js';
import { OrdersRepository } from '../orders/orders.repository.js';
import { orderTotal, priceLines } from '../orders/pricing.js';
import { CatalogClient } from '../upstream/catalog-client.service.js';
import { UsersClient } from '../upstream/users-client.service.js';

/**
 * Places an order across three services without losing or doubling anything:
 * 1. claim the idempotency key with a `placing` row (a retry with the same key finds it and gets the same order);
 * 2. check the user (users-service) and price the lines (catalog-service);
 * 3. reserve the stock under a reservation id equal to the order id;
 * 4. store the order as PENDING with the prices charged, in one transaction.
 * When any step fails after the reservation was asked for, the reservation is released and the claim removed.
 * If even that fails (or the process dies midway), the `placing` row stays behind as the record of what to
 * undo, and PlacementRecovery releases it later. Releasing is idempotent and catalog-service remembers a
 * release that came first, so a late reservation can never leave stock reserved without an order.
 *
 * Each step is a span under `order.placement`, whose `triad.placement.outcome` says how it ended (placed,
 * replayed, rejected); an undo is the `order.placement.compensate` span. The counters below are the shop's view.
 */
const ordersPlaced = lazyCounter('orders', 'triad.orders.placed', 'Orders placed; a replay of an idempotency key is not counted again.');
const ordersRejected = lazyCounter('orders', 'triad.orders.rejected', 'Placements refused, by reason (the error code).', []);
const ordersCompensated = lazyCounter(
  'orders',
  'triad.orders.compensated',
  'Failed placements undone, by outcome: done now, or deferred to placement recovery.',
  [{ outcome: 'done' }, { outcome: 'deferred' }],
);

type Placement = { order: Order; outcome: 'placed' | 'replayed' };

@Injectable()
export class PlaceOrderService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly users: UsersClient,
    private readonly catalog: CatalogClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // At 0 from the start, for dashboards and rate().
    ordersPlaced();
    ordersCompensated();
  }

  placeOrder(request: PlaceOrderInput, caller: Caller | undefined): Promise<Order> {
    return inSpan('order.placement', async (span) => {
      try {
        const { order, outcome } = await this.place(request, caller);
        span.setAttributes({ 'triad.order.id': order.id, 'triad.placement.outcome': outcome });
        if (outcome === 'placed') ordersPlaced().add(1);
        return order;
      } catch (error) {
        span.setAttribute('triad.placement.outcome', 'rejected');
        ordersRejected().add(1, { reason: errorType(error) });
        throw error;
      }
    });
  }

  private async place(request: PlaceOrderInput, caller: Caller | undefined): Promise<Placement> {
    const viewer = requireScope(requireCaller(caller), USER_SCOPES.ordersWrite, 'placing orders');
    const input = parsePlaceOrder(request);
    if (!canActFor(viewer, input.userId)) throw DomainError.permissionDenied('You can place orders only for yourself.');

    const orderId = uuidv7();
    const requestHash = hashRequest(input);
    const claim = await inSpan('order.placement.claim', () =>
      this.orders.claim({ id: orderId, userId: input.userId, idempotencyKey: input.idempotencyKey, requestHash }),
    );
    if (!claim.claimed) return { order: await this.replay(claim.existing, input.idempotencyKey, requestHash), outcome: 'replayed' };

    let reservationRequested = false;
    try {
      await inSpan('order.placement.check_user', () => this.users.requireUser(input.userId));
      const products = await inSpan('order.placement.price', () => this.catalog.products(input.lines.map((line) => line.productId)));
      const items = priceLines(input.lines, products);
      const total = orderTotal(items);
      reservationRequested = true;
      await inSpan('order.placement.reserve_stock', () => this.catalog.reserveStock(orderId, input.lines));
      const order = await inSpan('order.placement.store', () => this.orders.completePlacement(orderId, items, total));
      return { order, outcome: 'placed' };
    } catch (error) {
      await this.abandon(orderId, reservationRequested);
      throw error;
    }
  }

  /** The same key again: the same order, unless the key is being reused for a different request. */
  private async replay(existing: OrderRow | undefined, idempotencyKey: string, requestHash: string): Promise<Order> {
    if (existing && existing.requestHash !== requestHash) throw OrdersErrors.keyReused(idempotencyKey);
    const order = existing && (await this.orders.findById(existing.id));
    if (!order) throw OrdersErrors.placementInProgress(idempotencyKey);
    return order;
  }

  /** Undoes a failed placement; what it cannot undo now stays recorded for PlacementRecovery. */
  private abandon(orderId: string, reservationRequested: boolean): Promise<void> {
    return inSpan('order.placement.compensate', async (span) => {
      let outcome = 'done';
      try {
        if (reservationRequested) await this.catalog.releaseStock(orderId);
        await this.orders.deleteClaim(orderId);
      } catch (error) {
        outcome = 'deferred';
        this.logger.warn({ orderId, err: error }, 'could not undo a failed placement now; placement recovery will finish it');
      }
      span.setAttribute('triad.compensation.outcome', outcome);
      ordersCompensated().add(1, { outcome });
    });
  }
}

/** Same user and same lines (in any order) give the same digest. */
function hashRequest(input: PlaceOrderInput): string {
  const lines = [...input.lines].sort((a, b) => a.productId.localeCompare(b.productId)).map((line) => [line.productId, line.quantity]);
  return createHash('sha256')
    .update(JSON.stringify([input.userId, lines]))
    .digest('base64url');
}
