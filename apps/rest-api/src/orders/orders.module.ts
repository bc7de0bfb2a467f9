import { Module } from '@nestjs/common';
import { OrderEventsHttpController } from './order-events/order-events.http-controller.js';
import { OrderStatusHttpController } from './order-status.http-controller.js';
import { OrdersHttpController } from './orders.http-controller.js';

@Module({ controllers: [OrdersHttpController, OrderStatusHttpController, OrderEventsHttpController] })
export class OrdersModule {}
