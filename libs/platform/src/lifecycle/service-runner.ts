import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config.js';
import { grpcServerOptions, type GrpcServerControl } from '../grpc/grpc-server.js';
import { createFastifyAdapter } from '../http/fastify-adapter.js';
import type { TrustProxy } from '../http/trusted-proxies.js';
import { createLogger, NestPinoLogger } from '../logging/logger.js';
import { stopTelemetry } from '../telemetry/running-telemetry.js';

/** Raised when a process cannot start for a reason the operator can fix; printed as one line. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface ServiceDefinition {
  /** Root module, usually `AppModule.register(config)`. */
  rootModule: Parameters<typeof NestFactory.create>[0];
  logger: Logger;
  http: { host: string; port: number; portVariable: string; bodyLimit?: number; trustProxy?: TrustProxy | undefined };
  grpc?: {
    control: GrpcServerControl;
    packages: readonly string[];
    host: string;
    port: number;
    portVariable: string;
    /** See `grpcServerOptions`. */
    maxConnectionAgeMs: number;
  };
  /** Runs after Nest is initialised and before ports open (OpenAPI, demo data…). */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
  /** How long in-flight calls may take to finish on shutdown before they are cut. */
  shutdownGraceMs?: number;
}

export interface RunningService {
  app: NestFastifyApplication;
  logger: Logger;
  httpUrl: string;
  grpcAddress?: string;
  /** The ports it listens on: the ones asked for, or those the system chose where 0 was asked for. */
  ports: { http: number; grpc?: number };
  /** Drains gRPC, stops HTTP, then runs every module's shutdown hooks (closing databases). */
  close(): Promise<void>;
}

/** Starts one process of the system: HTTP on Fastify and, for backend services, gRPC beside it. */
export async function startService(definition: ServiceDefinition): Promise<RunningService> {
  const { logger, http, grpc } = definition;
  const app = await NestFactory.create<NestFastifyApplication>(
    definition.rootModule,
    createFastifyAdapter(logger, { ...(http.bodyLimit === undefined ? {} : { bodyLimit: http.bodyLimit }), trustProxy: http.trustProxy }),
    { logger: new NestPinoLogger(logger), abortOnError: false },
  );
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      grpc?.control.beginDrain(definition.shutdownGraceMs ?? 10_000);
      await app.close();
    })();
    return closed;
  };
  try {
    await definition.beforeListen?.(app);
    if (grpc) {
      app.connectMicroservice<MicroserviceOptions>(
        grpcServerOptions(grpc.control, grpc.packages, `${grpc.host}:${grpc.port}`, grpc.maxConnectionAgeMs),
      );
      await app.startAllMicroservices().catch((error: unknown) => {
        throw portError(error, grpc.port, grpc.portVariable);
      });
    }
    await app.listen(http.port, http.host).catch((error: unknown) => {
      throw portError(error, http.port, http.portVariable);
    });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  grpc?.control.setServing(true);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : http.port;
  const grpcBound = grpc && { host: grpc.host, port: grpc.control.boundPort() };
  return {
    app,
    logger,
    httpUrl: `http://${displayHost(http.host)}:${port}`,
    ...(grpcBound ? { grpcAddress: `${displayHost(grpcBound.host)}:${grpcBound.port}` } : {}),
    ports: { http: port, ...(grpcBound ? { grpc: grpcBound.port } : {}) },
    close,
  };
}

function portError(error: unknown, port: number, variable: string): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE|address already in use|No address added out of total/i.test(message)) {
    return new StartupError(`Port ${port} is in use: stop whatever holds it, or set ${variable} to another port.`);
  }
  return error;
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

/** The body of a service's `main.ts`: `runMain` for a service declared with `defineService`. */
export function runService<Config>(service: { name: string; loadConfig(): Config; start(config: Config): Promise<RunningService> }): void {
  runMain(service.name, () => service.start(service.loadConfig()));
}

/** How long a process asked to stop while starting may take to come up (and then drain) before it just exits. */
const STARTING_STOP_GRACE_MS = 15_000;
/** How long a process that was up may take to drain and close before it just exits. */
const STOP_GRACE_MS = 25_000;

/**
 * The body of every `main.ts`: starts the process, prints where it listens, and on SIGINT/SIGTERM drains and
 * exits 0. A configuration or start-up problem prints one line and exits 1, with no stack trace. A signal that
 * arrives while the process is still starting stops it as soon as it is up, and a second signal during the
 * drain changes nothing: the shutdown that began finishes.
 */
export function runMain(name: string, start: () => Promise<RunningService>): void {
  let stopRequested: NodeJS.Signals | undefined;
  let stop = (signal: NodeJS.Signals) => {
    stopRequested ??= signal;
    // A start that hangs (a database that never answers) must not make the process unstoppable.
    setTimeout(() => process.exit(1), STARTING_STOP_GRACE_MS).unref();
  };
  const onSignal = (signal: NodeJS.Signals) => stop(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Through a promise, so a start function that throws before it awaits is reported the same way.
  Promise.resolve()
    .then(start)
    .then(
      (service) => {
        service.logger.info({ http: service.httpUrl, grpc: service.grpcAddress }, `${name} is ready`);
        let stopping = false;
        stop = (signal) => {
          if (stopping) return service.logger.info({ signal }, `${name} is already shutting down`);
          stopping = true;
          service.logger.info({ signal }, `${name} is shutting down`);
          // The drain is bounded (gRPC calls get shutdownGraceMs), but a connection that never ends must not
          // keep the process alive for good.
          setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
          // The spans of the drained requests are sent before the process ends.
          service
            .close()
            .then(stopTelemetry)
            .then(
              () => process.exit(0),
              (error: unknown) => {
                service.logger.error({ err: error }, `${name} did not shut down cleanly`);
                process.exit(1);
              },
            );
        };
        if (stopRequested) stop(stopRequested);
      },
      (error: unknown) => {
        if (error instanceof ConfigError || error instanceof StartupError) {
          process.stderr.write(`${name}: ${error.message}\n`);
        } else {
          createLogger(name).fatal({ err: error }, `${name} failed to start`);
        }
        process.exit(1);
      },
    );
}
