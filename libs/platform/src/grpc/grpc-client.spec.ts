import { Client, credentials, status, type ClientUnaryCall, type Interceptor, type ServiceError } from '@grpc/grpc-js';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceCredentials } from '../auth/service-credentials.js';
import { grpcClientOptions } from './grpc-client.js';

/**
 * A call that waits for a service token, against a real token endpoint whose answers the test holds back; the
 * call never gets as far as a gRPC server (there is none at its address), so what it ends with is the client's.
 */
describe('a gRPC call waiting for its service token', () => {
  const held: ServerResponse[] = [];
  let answer: (request: IncomingMessage, response: ServerResponse) => void;
  const tokenEndpoint = createServer((request, response) => answer(request, response));
  let authServerUrl: string;

  beforeAll(async () => {
    tokenEndpoint.listen(0, '127.0.0.1');
    await once(tokenEndpoint, 'listening');
    authServerUrl = `http://127.0.0.1:${(tokenEndpoint.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const response of held) response.destroy();
    tokenEndpoint.close();
  });

  /** A client of catalog-service with the interceptors every client here has, whose calls need a service token. */
  function catalogClient(deadlineMs: number): Client {
    const options = grpcClientOptions({
      name: 'CATALOG',
      package: 'triad.catalog.v1',
      address: '127.0.0.1:1',
      deadlineMs,
      serviceIdentity: {
        credentials: new ServiceCredentials({ clientId: 'orders-service', clientSecret: 'secret', authServerUrl }),
        audience: 'catalog-service',
        scopes: ['catalog:reserve'],
      },
    }).options as { channelOptions: { interceptors: Interceptor[] } };
    return new Client('127.0.0.1:1', credentials.createInsecure(), { interceptors: options.channelOptions.interceptors });
  }

  /** A call through a client of its own with the default deadline `deadlineMs`; the client closes when the call ends. */
  function call(deadlineMs: number): { ended: Promise<ServiceError>; cancel: () => void } {
    const client = catalogClient(deadlineMs);
    let pending: ClientUnaryCall | undefined;
    const ended = new Promise<ServiceError>((resolve) => {
      pending = client.makeUnaryRequest(
        '/triad.catalog.v1.CatalogService/ReserveStock',
        () => Buffer.alloc(0),
        (bytes: Buffer) => bytes,
        {},
        (error) => {
          client.close();
          resolve(error as ServiceError);
        },
      );
    });
    return { ended, cancel: () => pending?.cancel() };
  }

  it('ends at its deadline, as DEADLINE_EXCEEDED, however long the token endpoint takes', async () => {
    answer = (_request, response) => held.push(response); // never answered in time
    const error = await call(200).ended;
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    expect(error.details).toBe('Deadline exceeded while waiting for a service token');
  });

  it('ends as CANCELLED when its caller cancels it', async () => {
    answer = (_request, response) => held.push(response);
    const pending = call(60_000);
    await once(tokenEndpoint, 'request');
    pending.cancel();
    // At once, not when the token endpoint answers (it has not, and would only be given up on after 5 s).
    const error = await Promise.race([pending.ended, setTimeout(2_000, undefined)]);
    expect(error?.code).toBe(status.CANCELLED);
  });

  it('ends with the reason when the token is refused, before its deadline', async () => {
    answer = (_request, response) => response.writeHead(401).end();
    const error = await call(60_000).ended;
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toContain('refused orders-service a service token');
  });

  it('goes out once the token comes, and then ends as the call does', async () => {
    answer = (_request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'token', expires_in: 300 }));
    const error = await call(60_000).ended;
    // No server listens at the address: the call itself, not the wait for its token, found that out.
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).not.toContain('service token');
  });
});
