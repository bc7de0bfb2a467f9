import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import {
  O_AUTH_CLIENTS_SERVICE_NAME,
  SESSIONS_SERVICE_NAME,
  TRIAD_USERS_V1_PACKAGE_NAME,
  USERS_SERVICE_NAME,
  type OAuthClientsServiceClient,
  type SessionsServiceClient,
  type UsersServiceClient,
} from '@triad/contracts/users/v1';
import { createLogger, grpcClientOptions, type RunningService } from '@triad/platform';
import { createTestDatabase } from '@triad/testing';
import { USERS_DATABASE, type UsersDatabase } from '../db/database.js';
import { usersService } from '../users-service.js';

/** A running users-service and what a spec needs to talk to it as its clients do. */
export interface TestUsersService {
  service: RunningService;
  /** A real gRPC client of the service. */
  users: UsersServiceClient;
  /** A real gRPC client of its browser sessions, which only the gateway may call. */
  sessions: SessionsServiceClient;
  /** A real gRPC client of the OAuth clients users register. */
  oauthClients: OAuthClientsServiceClient;
  /** The service's own database, to check what was stored. */
  db: UsersDatabase;
  close(): Promise<void>;
}

/**
 * Starts users-service exactly as main.ts does (demo accounts seeded) on a fresh test database, on ports the
 * system chooses; `env` sets more of its environment, such as lower sign-in limits.
 */
export async function startTestUsersService(postgresUrl: string | undefined, env: Record<string, string> = {}): Promise<TestUsersService> {
  const database = await createTestDatabase(postgresUrl);
  const config = usersService.loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    USERS_GRPC_PORT: '0',
    USERS_HTTP_PORT: '0',
    DATA_DIR: database.dataDir,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const service = await usersService.start(config, createLogger('users-service', 'silent'));
  const client = new ClientGrpcProxy(
    grpcClientOptions({
      name: 'users',
      package: TRIAD_USERS_V1_PACKAGE_NAME,
      address: `127.0.0.1:${service.ports.grpc}`,
      deadlineMs: 10_000,
    }).options as never,
  );
  return {
    service,
    users: (client as ClientGrpc).getService<UsersServiceClient>(USERS_SERVICE_NAME),
    sessions: (client as ClientGrpc).getService<SessionsServiceClient>(SESSIONS_SERVICE_NAME),
    oauthClients: (client as ClientGrpc).getService<OAuthClientsServiceClient>(O_AUTH_CLIENTS_SERVICE_NAME),
    db: service.app.get(USERS_DATABASE),
    close: async () => {
      client.close();
      await service.close();
    },
  };
}
