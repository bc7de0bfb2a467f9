import { fileURLToPath } from 'node:url';
import type { Database } from '@triad/platform';
import type { schema } from './schema.js';

export type RestApiDatabase = Database<typeof schema>;

/** Nest token for rest-api's database. */
export const REST_API_DATABASE = Symbol('REST_API_DATABASE');

/**
 * The SQL migrations are read at run time. Both `src/db/` and the built `dist/db/` sit two levels below the
 * project folder, so one relative path finds them from either.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
