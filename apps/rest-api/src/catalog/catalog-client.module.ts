import { Module, type DynamicModule } from '@nestjs/common';
import { CATALOG_SERVICE_NAME, TRIAD_CATALOG_V1_PACKAGE_NAME } from '@triad/contracts/catalog/v1';
import { grpcClientModule, type UpstreamSettings } from '../upstreams/grpc-client.module.js';

/** Nest token of the typed catalog-service client; inject it as `CatalogServiceClient`. */
export const CATALOG_CLIENT = Symbol('CATALOG_CLIENT');

/** The gRPC client to catalog-service. */
@Module({})
export class CatalogClientModule {
  static register(settings: UpstreamSettings): DynamicModule {
    return grpcClientModule(
      CatalogClientModule,
      { token: CATALOG_CLIENT, package: TRIAD_CATALOG_V1_PACKAGE_NAME, service: CATALOG_SERVICE_NAME },
      settings,
    );
  }
}
