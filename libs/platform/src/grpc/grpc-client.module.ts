import { Module, type DynamicModule } from '@nestjs/common';
import { ClientsModule, type ClientGrpc } from '@nestjs/microservices';
import { serviceAudience } from '../auth/access-tokens.js';
import type { ServiceCredentials } from '../auth/service-credentials.js';
import { SERVICE_GRANTS } from '../auth/service-grants.js';
import { SYSTEM, type ProcessName, type ServiceName } from '../system/registry.js';
import { grpcClientOptions, type LoadBalancing } from './grpc-client.js';

/** Where a process reaches one service and how long each unary call may take, from its config. */
export interface GrpcClientModuleSettings {
  /** Which process is calling: its grants in SERVICE_GRANTS decide whether it sends its own identity. */
  caller: ProcessName;
  address: string;
  deadlineMs: number;
  /** The caller's own credentials; needed when SERVICE_GRANTS grants it scopes at the target. */
  credentials?: ServiceCredentials;
  /** How calls spread over the target's replicas (GRPC_LB_POLICY). */
  loadBalancing?: LoadBalancing | undefined;
}

/**
 * The Nest token of the typed client of `service` (a generated `…_SERVICE_NAME`, e.g. `CatalogService`) of
 * `target`; inject it as the generated `…ServiceClient`:
 *
 *     constructor(@Inject(grpcClient('catalog-service', CATALOG_SERVICE_NAME)) catalog: CatalogServiceClient)
 */
export function grpcClient(target: ServiceName, service: string): string {
  return `grpc-client:${SYSTEM[target].grpc.package}.${service}`;
}

/**
 * The one way a process gets a gRPC client: a global module that provides the typed client of each service of
 * `target` (the services its registry entry lists) under `grpcClient(target, service)`, with the platform call
 * policy: a deadline on every unary call, retries only for RPCs the contract marks idempotent, the request id
 * and caller's token forwarded, and, where SERVICE_GRANTS grants the caller scopes at the target, its own
 * service token on every call.
 */
@Module({})
export class GrpcClientModule {
  /** The scopes SERVICE_GRANTS gives `caller` at `target`, if it calls any of `target`'s service-only RPCs. */
  static grantedScopes(caller: ProcessName, target: ServiceName): readonly string[] | undefined {
    return (SERVICE_GRANTS as Partial<Record<ProcessName, Partial<Record<ServiceName, readonly string[]>>>>)[caller]?.[target];
  }

  static register(target: ServiceName, settings: GrpcClientModuleSettings): DynamicModule {
    const { package: protoPackage, services } = SYSTEM[target].grpc;
    const connection = `grpc-connection:${protoPackage}`;
    const scopes = GrpcClientModule.grantedScopes(settings.caller, target);
    if (scopes && !settings.credentials) {
      throw new Error(`${settings.caller} calls ${target}'s service-only RPCs, so its client needs the caller's ServiceCredentials`);
    }
    const tokens = services.map((service: string) => grpcClient(target, service));
    return {
      module: GrpcClientModule,
      global: true,
      imports: [
        ClientsModule.register([
          grpcClientOptions({
            name: connection,
            package: protoPackage,
            address: settings.address,
            deadlineMs: settings.deadlineMs,
            loadBalancing: settings.loadBalancing,
            ...(scopes && settings.credentials
              ? { serviceIdentity: { credentials: settings.credentials, audience: serviceAudience(target), scopes } }
              : {}),
          }),
        ]),
      ],
      providers: services.map((service: string) => ({
        provide: grpcClient(target, service),
        inject: [connection],
        useFactory: (grpc: ClientGrpc) => grpc.getService(service),
      })),
      exports: tokens,
    };
  }
}
