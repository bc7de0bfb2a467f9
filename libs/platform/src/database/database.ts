import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { lockDataFolder } from './data-folder-lock.js';
import { instrumentPglite } from './pglite-telemetry.js';
import { assertChannelName, listenOnPostgres, type Unlisten } from './notifications.js';

/**
 * PostgreSQL's settings for embedded PGlite. Its default 128 MB buffer pool is allocated inside PGlite's
 * WebAssembly memory, which stays resident for the life of the process and never shrinks: with four databases
 * on one machine that alone is half a gigabyte. A service's database holds a few thousand rows, so 16 MB
 * caches all of it (below that resident memory hardly falls further); reads past it come from the OS page cache.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
/** The script that creates a new data folder: beside this module, `.js` when built and `.ts` when tests run the source. */
const INITDB_SCRIPT = fileURLToPath(new URL(`./pglite-initdb${extname(import.meta.url)}`, import.meta.url));

/** A service's typed database, the same type whether PostgreSQL or embedded PGlite is behind it. */
export type Database<TSchema extends Record<string, unknown>> = PgDatabase<PgQueryResultHKT, TSchema>;

export interface DatabaseOptions<TSchema extends Record<string, unknown>> {
  /** A postgres:// URL; without one the service runs on embedded PGlite. */
  url?: string | undefined;
  /** PGlite's data folder, or `memory://` for a throwaway database (tests). */
  dataDir: string;
  schema: TSchema;
  /** The folder of versioned SQL migrations drizzle-kit wrote for this service. */
  migrationsFolder: string;
}

export interface DatabaseHandle<TSchema extends Record<string, unknown>> {
  db: Database<TSchema>;
  /** Where the data lives, for logs: `postgres://host:5432/users` (no password) or `pglite:.data/users-service`. */
  location: string;
  /** Resolves when the database answers a query; used by `/readyz`. */
  ping(): Promise<void>;
  /**
   * Calls `onNotification` with the payload of every `NOTIFY channel` (or `pg_notify(channel, …)`) committed
   * to this database. On PostgreSQL that includes other processes; PGlite has one session, so there it reaches
   * only this process, which is all an embedded database has.
   */
  listen(channel: string, onNotification: (payload: string) => void): Promise<Unlisten>;
  /**
   * Runs `work` while no other process of the service does start-up work on this database: on PostgreSQL under
   * the advisory lock migrations take, so replicas that start together seed demo data once; on PGlite, which
   * one process holds, at once.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens the service's database and applies its migrations before anything else uses it, so a process that
 * starts is a process whose schema is current.
 */
export async function openDatabase<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
): Promise<DatabaseHandle<TSchema>> {
  return options.url ? openPostgres(options, options.url) : openPglite(options);
}

async function openPostgres<TSchema extends Record<string, unknown>>(
  options: DatabaseOptions<TSchema>,
  url: string,
): Promise<DatabaseHandle<TSchema>> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its connection emits 'error'; the pool replaces it, and the next query that
  // cannot reach the database fails on its own (and /readyz reports it), so nothing else is needed here.
  pool.on('error', () => undefined);
  const db = drizzleNodePg({ client: pool, schema: options.schema });
  try {
    await withStartupLock(pool, () => migrateNodePg(db, { migrationsFolder: options.migrationsFolder }));
  } catch (error) {
    await pool.end();
    throw error;
  }
  const parsed = new URL(url);
  return {
    db,
    location: `postgres://${parsed.host}${parsed.pathname}`,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    listen: (channel, onNotification) => listenOnPostgres(url, channel, onNotification),
    exclusively: (work) => withStartupLock(pool, work),
    close: () => pool.end(),
  };
}

/**
 * Replicas of a service that start together would otherwise apply the same migration twice, or seed the same
 * demo data twice; a session-level advisory lock lets one do it while the others wait and then find nothing
 * left to do.
 */
async function withStartupLock<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const lock = await pool.connect();
  try {
    await lock.query(`select pg_advisory_lock(hashtext('triad-migrations'))`);
    return await work();
  } finally {
    await lock.query(`select pg_advisory_unlock(hashtext('triad-migrations'))`).catch(() => undefined);
    lock.release();
  }
}

async function openPglite<TSchema extends Record<string, unknown>>(options: DatabaseOptions<TSchema>): Promise<DatabaseHandle<TSchema>> {
  const inMemory = options.dataDir.startsWith('memory://');
  const unlock = inMemory ? () => undefined : lockDataFolder(options.dataDir);
  try {
    if (!inMemory) await createDataFolderApart(options.dataDir);
    const client = await PGlite.create({ dataDir: inMemory ? undefined : options.dataDir, startParams: PGLITE_START_PARAMS });
    instrumentPglite(client, inMemory ? undefined : basename(options.dataDir));
    const db = drizzlePglite({ client, schema: options.schema });
    await migratePglite(db, { migrationsFolder: options.migrationsFolder });
    return {
      db,
      location: inMemory ? 'pglite:memory' : `pglite:${options.dataDir}`,
      ping: async () => {
        await client.query('select 1');
      },
      listen: async (channel, onNotification) => {
        assertChannelName(channel);
        const unlisten = await client.listen(channel, onNotification);
        return () => unlisten();
      },
      exclusively: (work) => work(),
      close: async () => {
        await client.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/** Runs initdb for a new data folder in a child process (see pglite-initdb.ts), so its memory leaves with it. */
async function createDataFolderApart(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const child = spawn(process.execPath, [INITDB_SCRIPT, dataDir, JSON.stringify(PGLITE_START_PARAMS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`Could not create the PGlite database in ${dataDir} (exit ${code}):\n${output.trim()}`);
}
