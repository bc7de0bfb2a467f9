import type { INestMicroservice } from '@nestjs/common';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME } from '@triad/contracts/users/v1';
import { AccessTokens, createLogger, GrpcServerControl, grpcServerOptions, LOGGER, type RunningService } from '@triad/platform';
import { loadRestApiConfig } from '../rest-api.config.js';
import { startRestApi } from '../rest-api.js';
import { InMemoryUsers, InMemoryUsersGrpcController, type StoredUser } from './in-memory-users.grpc-controller.js';

const environment = { NODE_ENV: 'test', JWT_SECRET: 'rest-api-specs-shared-secret', LOG_LEVEL: 'silent' };

/** What a spec answers to: an HTTP exchange with the API, reduced to what a client sees. */
export interface ApiResponse<Body> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface TestRestApi {
  /** Base URL of the running REST API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The stand-in users-service's accounts, to seed and inspect. */
  users: InMemoryUsers;
  /** Its gRPC health, to take it out of service. */
  usersHealth: GrpcServerControl;
  /** Sends a request the way a client would; a `token` goes in `Authorization: Bearer`. */
  call<Body = unknown>(method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse<Body>>;
  /** An access token for a stored user, signed as users-service signs them. */
  tokenFor(user: StoredUser): Promise<string>;
  stopUsersService(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts rest-api exactly as `main.ts` does, on a free HTTP port, in front of a real gRPC server on
 * `usersGrpcPort` that serves the users contract from memory.
 */
export async function startTestRestApi(usersGrpcPort: number): Promise<TestRestApi> {
  const usersAddress = `127.0.0.1:${usersGrpcPort}`;
  const tokens = new AccessTokens(loadRestApiConfig(environment));
  const usersHealth = new GrpcServerControl([`${TRIAD_USERS_V1_PACKAGE_NAME}.${USERS_SERVICE_NAME}`]);
  const usersService = await startInMemoryUsersService(usersAddress, usersHealth, tokens);
  const users = usersService.get(InMemoryUsers);

  const config = loadRestApiConfig({ ...environment, HOST: '127.0.0.1', REST_PORT: '0', USERS_SERVICE_ADDR: usersAddress, GRPC_DEADLINE_MS: '2000' });
  let api: RunningService;
  try {
    api = await startRestApi(config, createLogger('rest-api', config.LOG_LEVEL));
  } catch (error) {
    await usersService.close();
    throw error;
  }
  let usersStopped: Promise<void> | undefined;
  const stopUsersService = () => (usersStopped ??= usersService.close());

  return {
    url: api.httpUrl,
    users,
    usersHealth,
    call: (method, path, options = {}) => send(api.httpUrl, method, path, options),
    tokenFor: async (user) => (await tokens.sign({ userId: user.id, role: user.role })).token,
    stopUsersService,
    close: async () => {
      await api.close();
      await stopUsersService();
    },
  };
}

async function startInMemoryUsersService(address: string, health: GrpcServerControl, tokens: AccessTokens): Promise<INestMicroservice> {
  const moduleRef = await Test.createTestingModule({
    controllers: [InMemoryUsersGrpcController],
    providers: [InMemoryUsers, { provide: AccessTokens, useValue: tokens }, { provide: LOGGER, useValue: createLogger('users-service', 'silent') }],
  }).compile();
  const service = moduleRef.createNestMicroservice<MicroserviceOptions>({ ...grpcServerOptions(health, [TRIAD_USERS_V1_PACKAGE_NAME], address), logger: false });
  await service.listen();
  health.setServing(true);
  return service;
}

async function send<Body>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> },
): Promise<ApiResponse<Body>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, body: (isJson && text !== '' ? JSON.parse(text) : text) as Body };
}
