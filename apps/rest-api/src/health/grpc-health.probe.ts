import { credentials, makeClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** The one RPC of `grpc.health.v1.Health` this probe calls; the generic client is untyped. */
interface HealthClient extends Client {
  Check(request: { service: string }, options: { deadline: number }, callback: (error: ServiceError | null, response?: { status: string }) => void): void;
}

const HealthServiceClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');

/**
 * Asks an upstream service whether it is serving, through the standard gRPC health protocol
 * (`grpc.health.v1.Health/Check`), the same answer its load balancers and orchestrator get.
 */
export class GrpcHealthProbe {
  private readonly client: HealthClient;

  constructor(
    address: string,
    private readonly service: string,
    private readonly deadlineMs: number,
  ) {
    this.client = new HealthServiceClient(address, credentials.createInsecure()) as unknown as HealthClient;
  }

  /** Resolves when the service answers SERVING; rejects when it is down, draining or too slow. */
  check(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.Check({ service: this.service }, { deadline: Date.now() + this.deadlineMs }, (error, response) => {
        if (error) reject(error);
        else if (response?.status !== 'SERVING') reject(new Error(`${this.service} is ${response?.status ?? 'UNKNOWN'}`));
        else resolve();
      });
    });
  }

  onApplicationShutdown(): void {
    this.client.close();
  }
}
