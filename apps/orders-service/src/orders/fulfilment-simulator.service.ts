import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { inNewTrace, LOGGER } from '@triad/platform';
import type { Logger } from 'pino';
import { nextFulfilmentStatus, type OrderStatus } from './order.js';
import { OrdersRepository } from './orders.repository.js';

export const FULFILMENT_SETTINGS = Symbol('FULFILMENT_SETTINGS');

export interface FulfilmentSettings {
  enabled: boolean;
  /** How long an order stays in each status before the simulator moves it on. */
  stepMs: number;
}

const IN_FULFILMENT: OrderStatus[] = ['pending', 'confirmed', 'shipped'];

/**
 * For the demo: a warehouse that confirms, ships and delivers every order, one step every `stepMs`, so
 * watchers see the lifecycle happen. Off unless FULFILMENT_SIMULATOR=true; a real system would have admins or
 * a fulfilment service call UpdateOrderStatus instead.
 */
@Injectable()
export class FulfilmentSimulatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly orders: OrdersRepository,
    @Inject(FULFILMENT_SETTINGS) private readonly settings: FulfilmentSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) return;
    this.timer = setInterval(() => void this.step(), Math.max(250, Math.floor(this.settings.stepMs / 4)));
    this.timer.unref();
    this.logger.info({ stepMs: this.settings.stepMs }, 'fulfilment simulator on');
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async step(): Promise<void> {
    try {
      const due = await this.orders.unchangedFor(IN_FULFILMENT, this.settings.stepMs / 1000);
      for (const order of due) {
        const status = order.status as OrderStatus;
        const next = nextFulfilmentStatus(status);
        if (!next) continue;
        await inNewTrace('order.fulfilment.step', () => this.orders.changeStatus(order.id, [status], next), {
          'triad.order.id': order.id,
          'triad.order.status': next,
        });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'fulfilment simulator step failed; it will try again');
    }
  }
}
