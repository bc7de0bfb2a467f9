import type { Provider } from '@nestjs/common';
import { READINESS_CHECK } from '../http/health.http-controller.js';
import type { DatabaseHandle } from './database.js';

/**
 * Nest providers for a service's one database: the typed handle under `token`, `/readyz` answering from the
 * database, and closing it after HTTP and gRPC have stopped taking requests.
 */
export function databaseProviders(token: symbol, database: DatabaseHandle<Record<string, unknown>>): Provider[] {
  return [
    { provide: token, useValue: database.db },
    { provide: READINESS_CHECK, useValue: () => database.ping() },
    { provide: Symbol('DATABASE_SHUTDOWN'), useValue: { onApplicationShutdown: () => database.close() } },
  ];
}
