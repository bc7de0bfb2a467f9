import type { TestProject } from 'vitest/node';
import { startTestValkey } from './test-valkey.js';

/**
 * Vitest global setup for suites that test state shared in Valkey: one server per run (each spec keeps its keys
 * apart by name), provided as `valkeyUrl` (empty when none can be had), and one line saying which.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startTestValkey();
  process.stdout.write(`[valkey] ${server.description}\n`);
  project.provide('valkeyUrl', server.url ?? '');
  return () => server.stop();
}
