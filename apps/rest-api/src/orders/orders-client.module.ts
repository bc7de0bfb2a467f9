import { Module, type DynamicModule } from '@nestjs/common';
import { ORDERS_SERVICE_NAME, TRIAD_ORDERS_V1_PACKAGE_NAME } from '@triad/contracts/orders/v1';
import { grpcClientModule, type UpstreamSettings } from '../upstreams/grpc-client.module.js';

/** Nest token of the typed orders-service client; inject it as `OrdersServiceClient`. */
export const ORDERS_CLIENT = Symbol('ORDERS_CLIENT');

/** The gRPC client to orders-service. */
@Module({})
export class OrdersClientModule {
  static register(settings: UpstreamSettings): DynamicModule {
    return grpcClientModule(
      OrdersClientModule,
      { token: ORDERS_CLIENT, package: TRIAD_ORDERS_V1_PACKAGE_NAME, service: ORDERS_SERVICE_NAME },
      settings,
    );
  }
}
