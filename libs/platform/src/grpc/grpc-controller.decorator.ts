import { applyDecorators, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { GrpcErrorFilter } from './grpc-error.filter.js';
import { GrpcRequestInterceptor } from './grpc-request.interceptor.js';

/**
 * Marks a class as a gRPC controller with Triad's policy: each call runs in its request context and is
 * logged, and every error leaves through the error table. Needs the `LOGGER` provider in its module.
 */
export function GrpcController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(GrpcErrorFilter), UseInterceptors(GrpcRequestInterceptor));
}
