import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type {} from 'vitest';
import { dockerIsReachable } from './docker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server for this run (see postgres.global-setup.ts), or empty for PGlite. */
    postgresUrl: string;
  }
}

export interface TestPostgres {
  /** Admin connection URL, or undefined when tests fall back to embedded PGlite. */
  url: string | undefined;
  description: string;
  stop(): Promise<void>;
}

const IMAGE = 'postgres:17-trixie';

/**
 * Picks the database for integration tests, most real first: a throwaway PostgreSQL 17 container when a
 * Docker engine is reachable, else the server at TEST_DATABASE_URL, else embedded PGlite.
 * `TEST_DATABASE=pglite` skips straight to PGlite, for a quick local run.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env['TEST_DATABASE'] === 'pglite') {
    return { url: undefined, description: 'embedded PGlite, as TEST_DATABASE=pglite asks', stop: async () => undefined };
  }
  if (await dockerIsReachable()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer(IMAGE).start();
    return {
      url: container.getConnectionUri(),
      description: `PostgreSQL 17 in a testcontainers container (${IMAGE})`,
      stop: async () => {
        await container.stop();
      },
    };
  }
  const external = process.env['TEST_DATABASE_URL'];
  if (external) {
    return { url: external, description: `PostgreSQL at TEST_DATABASE_URL (${new URL(external).host})`, stop: async () => undefined };
  }
  return {
    url: undefined,
    description: 'embedded PGlite: no Docker engine is reachable and TEST_DATABASE_URL is not set',
    stop: async () => undefined,
  };
}

/**
 * A fresh, empty database for one test file: a new database on the run's PostgreSQL server, or an in-memory
 * PGlite. Returns what `openDatabase` takes.
 */
export async function createTestDatabase(postgresUrl: string | undefined): Promise<{ url: string | undefined; dataDir: string }> {
  if (!postgresUrl) return { url: undefined, dataDir: 'memory://' };
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), dataDir: 'memory://' };
}
