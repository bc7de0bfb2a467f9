import { Module, type DynamicModule } from '@nestjs/common';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import { grpcClientModule, type UpstreamSettings } from '../upstreams/grpc-client.module.js';

/** Nest token of the typed users-service client; inject it as `UsersServiceClient`. */
export const USERS_CLIENT = Symbol('USERS_CLIENT');

/** The gRPC client to users-service. */
@Module({})
export class UsersClientModule {
  static register(settings: UpstreamSettings): DynamicModule {
    return grpcClientModule(
      UsersClientModule,
      { token: USERS_CLIENT, package: TRIAD_USERS_V1_PACKAGE_NAME, service: USERS_SERVICE_NAME },
      settings,
    );
  }
}
