import { Module } from '@nestjs/common';
import { ImportProductsHttpController } from './import-products/import-products.http-controller.js';
import { NdjsonBodyParser } from './import-products/ndjson-body.js';
import { ProductAdminHttpController } from './product-admin.http-controller.js';
import { ProductsHttpController } from './products.http-controller.js';

@Module({
  controllers: [ProductsHttpController, ProductAdminHttpController, ImportProductsHttpController],
  providers: [NdjsonBodyParser],
})
export class ProductsModule {}
