import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './test-postgres.js';

/**
 * Vitest global setup for suites that need a database: one PostgreSQL server per run (each test file creates
 * its own database in it), and one line saying which database the run uses.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestPostgres();
  process.stdout.write(`[database] ${server.description}\n`);
  project.provide('postgresUrl', server.url ?? '');
  return () => server.stop();
}
