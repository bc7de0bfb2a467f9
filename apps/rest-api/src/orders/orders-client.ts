import { ORDERS_SERVICE_NAME } from '@triad/contracts/orders/v1';
import { grpcClient } from '@triad/platform';

/** Nest token of the typed orders-service client (see AppModule's GrpcClientModule); inject it as `OrdersServiceClient`. */
export const ORDERS_CLIENT = grpcClient('orders-service', ORDERS_SERVICE_NAME);
