import { fileURLToPath } from 'node:url';
import type { Database } from '@triad/platform';
import type { schema } from './schema.js';

export type OrdersDatabase = Database<typeof schema>;

/** Nest token for the service's database. */
export const ORDERS_DATABASE = Symbol('ORDERS_DATABASE');

/**
 * The SQL migrations are read at run time. Both `src/db/` and the built `dist/db/` sit two levels below the
 * project folder, so one relative path finds them from either.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
