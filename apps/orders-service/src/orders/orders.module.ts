import { Module, type DynamicModule } from '@nestjs/common';
import { PlaceOrderService } from '../place-order/place-order.service.js';
import { QuoteCartService } from '../quote-cart/quote-cart.service.js';
import { UpstreamModule } from '../upstream/upstream.module.js';
import { FULFILMENT_SETTINGS, FulfilmentSimulatorService, type FulfilmentSettings } from './fulfilment-simulator.service.js';
import { OrderEventsService } from './order-events.service.js';
import { OrdersGrpcController } from './orders.grpc-controller.js';
import { OrdersRepository } from './orders.repository.js';
import { OrdersResolver, UserOrdersResolver } from './orders.resolver.js';
import { OrdersService } from './orders.service.js';
import { PlacementRecoveryService, RECOVERY_SETTINGS, type RecoverySettings } from './placement-recovery.service.js';

export interface OrdersModuleSettings {
  recovery: RecoverySettings;
  fulfilment: FulfilmentSettings;
}

@Module({})
export class OrdersModule {
  static register(settings: OrdersModuleSettings): DynamicModule {
    return {
      module: OrdersModule,
      imports: [UpstreamModule],
      controllers: [OrdersGrpcController],
      providers: [
        OrdersRepository,
        OrdersService,
        PlaceOrderService,
        QuoteCartService,
        OrderEventsService,
        PlacementRecoveryService,
        FulfilmentSimulatorService,
        OrdersResolver,
        UserOrdersResolver,
        { provide: RECOVERY_SETTINGS, useValue: settings.recovery },
        { provide: FULFILMENT_SETTINGS, useValue: settings.fulfilment },
      ],
      exports: [OrdersService, PlacementRecoveryService, OrderEventsService],
    };
  }
}
