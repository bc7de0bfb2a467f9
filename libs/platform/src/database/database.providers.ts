import type { Provider } from '@nestjs/common';
import { READINESS_CHECK } from '../http/health.http-controller.js';
import type { DatabaseHandle } from './database.js';

/** Nest token of a service's database handle itself (`DatabaseHandle`), for what the typed one lacks: LISTEN. */
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

/**
 * Nest providers for a service's one database: the typed database under `token`, the handle under
 * `DATABASE_HANDLE`, `/readyz` answering from the database, and closing it after HTTP and gRPC have stopped
 * taking requests.
 */
export function databaseProviders(token: symbol, database: DatabaseHandle<Record<string, unknown>>): Provider[] {
  return [
    { provide: token, useValue: database.db },
    { provide: DATABASE_HANDLE, useValue: database },
    { provide: READINESS_CHECK, useValue: () => database.ping() },
    { provide: Symbol('DATABASE_SHUTDOWN'), useValue: { onApplicationShutdown: () => database.close() } },
  ];
}
