import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canActFor, DomainError, LOGGER, requireCaller, uuidv7, type Caller } from '@triad/platform';
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
 */
@Injectable()
export class PlaceOrderService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly users: UsersClient,
    private readonly catalog: CatalogClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async placeOrder(request: PlaceOrderInput, caller: Caller | undefined): Promise<Order> {
    const viewer = requireCaller(caller);
    const input = parsePlaceOrder(request);
    if (!canActFor(viewer, input.userId)) throw DomainError.permissionDenied('You can place orders only for yourself.');

    const orderId = uuidv7();
    const requestHash = hashRequest(input);
    const claim = await this.orders.claim({ id: orderId, userId: input.userId, idempotencyKey: input.idempotencyKey, requestHash });
    if (!claim.claimed) return this.replay(claim.existing, input.idempotencyKey, requestHash);

    let reservationRequested = false;
    try {
      await this.users.requireUser(input.userId);
      const items = priceLines(input.lines, await this.catalog.products(input.lines.map((line) => line.productId)));
      const total = orderTotal(items);
      reservationRequested = true;
      await this.catalog.reserveStock(orderId, input.lines);
      return await this.orders.completePlacement(orderId, items, total);
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
  private async abandon(orderId: string, reservationRequested: boolean): Promise<void> {
    try {
      if (reservationRequested) await this.catalog.releaseStock(orderId);
      await this.orders.deleteClaim(orderId);
    } catch (error) {
      this.logger.warn({ orderId, err: error }, 'could not undo a failed placement now; placement recovery will finish it');
    }
  }
}

/** Same user and same lines (in any order) give the same digest. */
function hashRequest(input: PlaceOrderInput): string {
  const lines = [...input.lines].sort((a, b) => a.productId.localeCompare(b.productId)).map((line) => [line.productId, line.quantity]);
  return createHash('sha256')
    .update(JSON.stringify([input.userId, lines]))
    .digest('base64url');
}
