import { Module } from '@nestjs/common';
import { OrdersHttpController } from './orders.http-controller.js';

@Module({ controllers: [OrdersHttpController] })
export class OrdersModule {}
