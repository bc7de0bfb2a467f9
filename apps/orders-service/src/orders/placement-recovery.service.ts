import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { inNewTrace, LOGGER, observeGauge } from '@triad/platform';
import type { Logger } from 'pino';
import type { OrderRow } from '../db/schema.js';
import { CatalogClient } from '../upstream/catalog-client.service.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersService } from './orders.service.js';

export const RECOVERY_SETTINGS = Symbol('RECOVERY_SETTINGS');

export interface RecoverySettings {
  /** A placement older than this has certainly ended: every step is bounded by a gRPC deadline. */
  abandonedAfterMs: number;
  intervalMs: number;
}

/**
 * Finishes what failed placements and cancellations could not: releases the stock of placements whose
 * process died or whose compensation failed (then forgets them), and of cancelled orders whose release did
 * not go through. Runs at start-up and then periodically, in every instance; every step is idempotent.
 */
@Injectable()
export class PlacementRecoveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly orders: OrdersRepository,
    private readonly ordersService: OrdersService,
    private readonly catalog: CatalogClient,
    @Inject(RECOVERY_SETTINGS) private readonly settings: RecoverySettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    observeGauge(
      'orders',
      'triad.order_placements.unfinished',
      'Placements begun but neither placed nor undone yet: in flight, or waiting for recovery to release their stock.',
      () => this.orders.countUnfinishedPlacements(),
    );
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.settings.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; concurrent calls share the pass in progress. */
  runOnce(): Promise<void> {
    this.running ??= this.recover().finally(() => (this.running = undefined));
    return this.running;
  }

  private async recover(): Promise<void> {
    try {
      // Each repair is a trace of its own; a pass with nothing to repair leaves none.
      for (const claim of await this.orders.abandonStalePlacements(this.settings.abandonedAfterMs / 1000)) {
        await inNewTrace('order.placement.recover', () => this.releaseAbandoned(claim), { 'triad.order.id': claim.id });
      }
      for (const order of await this.orders.cancelledWithReservedStock()) {
        await inNewTrace('order.stock.release', () => this.ordersService.releaseStockOf(order.id), { 'triad.order.id': order.id });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'placement recovery will try again');
    }
  }

  /** One at a time, so a placement whose release fails does not hold up the others. */
  private async releaseAbandoned(claim: OrderRow): Promise<void> {
    try {
      await this.catalog.releaseStock(claim.id);
      await this.orders.deleteClaim(claim.id);
      this.logger.info({ orderId: claim.id, idempotencyKey: claim.idempotencyKey }, 'released the stock of an abandoned placement');
    } catch (error) {
      this.logger.warn({ orderId: claim.id, err: error }, 'could not release an abandoned placement yet');
    }
  }
}
