import { credentials, makeClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** The one RPC of `grpc.health.v1.Health` this probe calls; the generic client is untyped. */
interface HealthClient extends Client {
  Check(
    request: { service: string },
    options: { deadline: number },
    callback: (error: ServiceError | null, response?: { status: string }) => void,
  ): void;
}

const HealthServiceClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');

/** An upstream to ask: its `host:port` and the fully qualified service it should be serving. */
export interface HealthTarget {
  address: string;
  service: string;
}

/**
 * Asks upstream services whether they are serving, through the standard gRPC health protocol
 * (`grpc.health.v1.Health/Check`), the same answer their load balancers and orchestrator get.
 */
export class GrpcHealthProbe {
  private readonly targets: { service: string; client: HealthClient }[];

  constructor(
    targets: readonly HealthTarget[],
    private readonly deadlineMs: number,
  ) {
    this.targets = targets.map(({ address, service }) => ({
      service,
      client: new HealthServiceClient(address, credentials.createInsecure()) as unknown as HealthClient,
    }));
  }

  /** Resolves when every service answers SERVING; rejects when any is down, draining or too slow. */
  async check(): Promise<void> {
    await Promise.all(this.targets.map(({ service, client }) => this.checkOne(service, client)));
  }

  onApplicationShutdown(): void {
    for (const { client } of this.targets) client.close();
  }

  private checkOne(service: string, client: HealthClient): Promise<void> {
    return new Promise((resolve, reject) => {
      client.Check({ service }, { deadline: Date.now() + this.deadlineMs }, (error, response) => {
        if (error) reject(error);
        else if (response?.status !== 'SERVING') reject(new Error(`${service} is ${response?.status ?? 'UNKNOWN'}`));
        else resolve();
      });
    });
  }
}
