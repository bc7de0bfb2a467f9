import { CATALOG_SERVICE_NAME } from '@triad/contracts/catalog/v1';
import { grpcClient } from '@triad/platform';

/** Nest token of the typed catalog-service client (see AppModule's GrpcClientModule); inject it as `CatalogServiceClient`. */
export const CATALOG_CLIENT = grpcClient('catalog-service', CATALOG_SERVICE_NAME);
