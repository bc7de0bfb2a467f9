import { Module } from '@nestjs/common';
import { ProductsHttpController } from './products.http-controller.js';

@Module({ controllers: [ProductsHttpController] })
export class ProductsModule {}
