import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule, type ClientGrpc } from '@nestjs/microservices';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions } from '@triad/platform';

/** Nest token of the typed users-service client; inject it as `UsersServiceClient`. */
export const USERS_CLIENT = Symbol('USERS_CLIENT');

/**
 * The gRPC client to users-service, with the platform call policy: a deadline on every call, retries only
 * for RPCs the contract marks idempotent, and the request id and caller's token forwarded from the request.
 */
@Module({})
export class UsersClientModule {
  static register(settings: { address: string; deadlineMs: number }): DynamicModule {
    return {
      module: UsersClientModule,
      global: true,
      imports: [
        ClientsModule.register([grpcClientOptions({ name: TRIAD_USERS_V1_PACKAGE_NAME, package: TRIAD_USERS_V1_PACKAGE_NAME, ...settings })]),
      ],
      providers: [
        {
          provide: USERS_CLIENT,
          inject: [TRIAD_USERS_V1_PACKAGE_NAME],
          useFactory: (grpc: ClientGrpc) => grpc.getService<UsersServiceClient>(USERS_SERVICE_NAME),
        },
      ],
      exports: [USERS_CLIENT],
    };
  }
}
