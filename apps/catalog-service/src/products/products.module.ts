import { Module } from '@nestjs/common';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { CatalogGrpcController } from './catalog.grpc-controller.js';
import { ProductImportService } from './product-import.service.js';
import { ProductsRepository } from './products.repository.js';
import { ProductsResolver } from './products.resolver.js';
import { ProductsService } from './products.service.js';

@Module({
  imports: [ReservationsModule],
  controllers: [CatalogGrpcController],
  providers: [ProductsRepository, ProductsService, ProductImportService, ProductsResolver],
  exports: [ProductsService, ProductsRepository],
})
export class ProductsModule {}
