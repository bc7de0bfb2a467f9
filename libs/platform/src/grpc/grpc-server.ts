import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { loadPackageDefinition } from '@triad/contracts';
import { HealthImplementation } from 'grpc-health-check';

const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * Owns what Nest does not: the standard health service (`grpc.health.v1`), server reflection, and a drain
 * that cannot hang. One per process, created before the microservice is connected.
 */
export class GrpcServerControl {
  readonly health: HealthImplementation;
  private server: Server | undefined;

  /** @param services fully qualified names of the services this process serves, e.g. `triad.users.v1.UsersService`. */
  constructor(readonly services: readonly string[]) {
    this.health = new HealthImplementation(Object.fromEntries(['', ...services].map((name) => [name, 'NOT_SERVING'])));
  }

  attach(server: Server, packageDefinition: PackageDefinition): void {
    this.server = server;
    this.health.addToServer(server);
    // Reflection describes exactly what this process serves: its own services and the health service.
    new ReflectionService(packageDefinition, { services: [...this.services, HEALTH_SERVICE] }).addToServer(server);
  }

  setServing(serving: boolean): void {
    for (const name of ['', ...this.services]) this.health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
  }

  /**
   * Starts a drain: health turns NOT_SERVING so balancers stop sending calls, and after `graceMs` whatever is
   * still open (a long-lived stream, a health Watch) is cut so shutdown always finishes.
   */
  beginDrain(graceMs: number): void {
    this.setServing(false);
    setTimeout(() => this.server?.forceShutdown(), graceMs).unref();
  }
}

/** Options for Nest's gRPC server: contracts from the checked-in descriptor set, health, reflection, graceful close. */
export function grpcServerOptions(control: GrpcServerControl, packages: readonly string[], url: string): GrpcOptions {
  const packageDefinition = loadPackageDefinition();
  return {
    transport: Transport.GRPC,
    options: {
      package: [...packages],
      packageDefinition,
      url,
      gracefulShutdown: true,
      onLoadPackageDefinition: (_pkg: unknown, server: Server) => control.attach(server, packageDefinition),
    },
  };
}
