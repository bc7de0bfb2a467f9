import type { DynamicModule, Type } from '@nestjs/common';
import { ClientsModule, type ClientGrpc } from '@nestjs/microservices';
import { grpcClientOptions, type GrpcClientSettings } from '@triad/platform';

/** Where an upstream service listens and how long each call to it may take, from config. */
export interface UpstreamSettings {
  address: string;
  deadlineMs: number;
  /** The edge's own identity, for the upstream's service-only RPCs. */
  serviceIdentity?: GrpcClientSettings['serviceIdentity'];
}

/** The generated names of one upstream service, and the Nest token its typed client is injected by. */
export interface UpstreamContract {
  token: symbol;
  /** The proto package, the generated `*_PACKAGE_NAME`. */
  package: string;
  /** The service, the generated `*_SERVICE_NAME`. */
  service: string;
}

/**
 * The body of each `*ClientModule.register`: a global module that provides the typed gRPC client of one
 * upstream under `contract.token`, with the platform call policy (a deadline on every call, retries only for
 * RPCs the contract marks idempotent, the request id and the caller's token forwarded from the request).
 */
export function grpcClientModule(module: Type, contract: UpstreamContract, settings: UpstreamSettings): DynamicModule {
  return {
    module,
    global: true,
    imports: [ClientsModule.register([grpcClientOptions({ name: contract.package, package: contract.package, ...settings })])],
    providers: [
      {
        provide: contract.token,
        inject: [contract.package],
        useFactory: (grpc: ClientGrpc) => grpc.getService(contract.service),
      },
    ],
    exports: [contract.token],
  };
}
