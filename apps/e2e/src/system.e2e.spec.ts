import { status } from '@grpc/grpc-js';
import { ClientGrpcProxy, type ClientGrpc } from '@nestjs/microservices';
import { TRIAD_USERS_V1_PACKAGE_NAME, USERS_SERVICE_NAME, type UsersServiceClient } from '@triad/contracts/users/v1';
import { grpcClientOptions } from '@triad/platform';
import { bearer, freeSystemPorts, startSystem, type RunningSystem } from '@triad/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let system: RunningSystem;
let dataDir: string;
let grpcClient: ClientGrpcProxy;
let users: UsersServiceClient;
let rest: string;
let gateway: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'triad-e2e-'));
  const ports = await freeSystemPorts();
  system = await startSystem({ ports, dataDir, env: { LOG_LEVEL: 'warn', NODE_ENV: 'test' } });
  rest = `http://127.0.0.1:${ports.rest}`;
  gateway = `http://127.0.0.1:${ports.gateway}/graphql`;
  grpcClient = new ClientGrpcProxy(
    grpcClientOptions({ name: 'users', package: TRIAD_USERS_V1_PACKAGE_NAME, address: `127.0.0.1:${ports.usersGrpc}`, deadlineMs: 10_000 })
      .options as never,
  );
  users = (grpcClient as ClientGrpc).getService<UsersServiceClient>(USERS_SERVICE_NAME);
});

afterAll(async () => {
  grpcClient?.close();
  await system?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function graphql(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.headers.get('content-type')).toMatch(/json/);
  return (await response.json()) as { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, any> }[] };
}

async function restCall(method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${rest}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('the whole system, started as separate processes', () => {
  it('lets a user created over REST sign in through the gateway and read me', async () => {
    const email = `rest-${unique()}@example.com`;
    const created = await restCall('POST', '/v1/users', { email, name: 'Rest Person', password: 'rest-password' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/users/${created.body['id']}`);

    const login = await graphql(
      'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { id } } }',
      {
        email,
        password: 'rest-password',
      },
    );
    expect(login.errors).toBeUndefined();
    expect(login.data?.['login'].user.id).toBe(created.body['id']);

    const me = await graphql('{ me { id email name role } }', {}, login.data?.['login'].accessToken);
    expect(me.data?.['me']).toEqual({ id: created.body['id'], email, name: 'Rest Person', role: 'CUSTOMER' });
  });

  it('returns a user signed up through GraphQL from GET /v1/users/{id}, and the same user over gRPC', async () => {
    const email = `graphql-${unique()}@example.com`;
    const signUp = await graphql('mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }', {
      input: { email, name: 'Graph Person', password: 'graph-password' },
    });
    const { accessToken, user } = signUp.data?.['signUp'] ?? {};
    expect(user?.id).toBeDefined();

    const fetched = await restCall('GET', `/v1/users/${user.id}`, undefined, accessToken);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ id: user.id, email, name: 'Graph Person', role: 'customer' });

    const overGrpc = await firstValueFrom(users.getUser({ id: user.id }, bearer(accessToken)));
    expect(overGrpc.user).toMatchObject({ id: user.id, email, name: 'Graph Person', role: 'USER_ROLE_CUSTOMER' });
  });

  it('answers bad input on REST with a problem document listing each field', async () => {
    const response = await restCall('POST', '/v1/users', { email: 'not-an-email', name: 'X', password: 'short' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, code: expect.any(String), instance: '/v1/users' });
    expect(response.body['errors'].map((error: { field: string }) => error.field).sort()).toEqual(['email', 'password']);
  });

  it('answers bad input on GraphQL with BAD_USER_INPUT and the fields', async () => {
    const result = await graphql('mutation { signUp(input: { email: "nope", name: "N", password: "x" }) { accessToken } }');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', errorCode: 'USERS.INVALID_INPUT' });
  });

  it('answers bad input on gRPC with INVALID_ARGUMENT', async () => {
    const error = await firstValueFrom(
      users.createUser({ email: 'nope', name: '', password: 'x', role: 'USER_ROLE_CUSTOMER' as never }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('refuses a forged token at both edges', async () => {
    expect((await restCall('GET', '/v1/users/me', undefined, 'forged.token.value')).status).toBe(401);
    const result = await graphql('{ me { id } }', {}, 'forged.token.value');
    expect(result.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it('carries the request id from the REST edge back to the caller', async () => {
    const response = await fetch(`${rest}/v1/users/me`, { headers: { 'x-request-id': 'e2e-request-42' } });
    expect(response.headers.get('x-request-id')).toBe('e2e-request-42');
    expect(((await response.json()) as Record<string, unknown>)['request_id']).toBe('e2e-request-42');
  });

  // Last: the processes are gone afterwards.
  it('stops every process cleanly on SIGTERM', async () => {
    expect(await system.stop()).toEqual({
      'graphql-gateway': 0,
      'rest-api': 0,
      'orders-service': 0,
      'catalog-service': 0,
      'users-service': 0,
    });
  });
});
