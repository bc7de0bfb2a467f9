import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { loadPackageDefinition } from '@triad/contracts';
import { HealthImplementation } from 'grpc-health-check';
import { serverCallTelemetry } from '../telemetry/rpc-telemetry.js';

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

  /**
   * The port the server listens on, which differs from the one asked for when that was 0 (tests). grpc-js
   * does not expose its listeners and Nest drops the port `bindAsync` reports, so this reads the listening
   * HTTP/2 servers grpc-js keeps. Every service's integration specs start it on port 0, so they fail if a
   * grpc-js upgrade moves them.
   */
  boundPort(): number {
    const listeners = (this.server as unknown as { http2Servers?: Map<{ address(): unknown }, unknown> } | undefined)?.http2Servers;
    for (const listener of listeners?.keys() ?? []) {
      const address = listener.address();
      if (typeof address === 'object' && address !== null && 'port' in address && typeof address.port === 'number') return address.port;
    }
    throw new Error('The gRPC server is not listening: boundPort() is only known once it has started.');
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

/**
 * Options for Nest's gRPC server: contracts from the checked-in descriptor set, health, reflection, graceful close,
 * a span and a duration metric for every call, and client connections that last `maxConnectionAgeMs` (see below).
 */
export function grpcServerOptions(
  control: GrpcServerControl,
  packages: readonly string[],
  url: string,
  maxConnectionAgeMs: number,
): GrpcOptions {
  const packageDefinition = loadPackageDefinition();
  return {
    transport: Transport.GRPC,
    options: {
      package: [...packages],
      packageDefinition,
      url,
      gracefulShutdown: true,
      channelOptions: {
        interceptors: [serverCallTelemetry],
        // A client balances over the replicas it resolved when it connected; closing each connection after a
        // while (grpc-js adds jitter) makes it resolve again and find replicas started since. Calls in flight,
        // long streams included, finish on the old connection: no grace period cuts them.
        'grpc.max_connection_age_ms': maxConnectionAgeMs,
      },
      onLoadPackageDefinition: (_pkg: unknown, server: Server) => control.attach(server, packageDefinition),
    },
  };
}
