import { projectTestConfig } from '../../vitest.shared.js';

// End-to-end specs start the built system as real processes; `nx run e2e:e2e` builds it first.
export default projectTestConfig(import.meta.dirname, {
  include: ['src/**/*.e2e.spec.ts'],
  testTimeout: 60_000,
  hookTimeout: 180_000,
  fileParallelism: false,
  // Every log line of every process the specs start is checked for secrets once they have all run.
  globalSetup: ['src/secrets-in-logs.global-setup.ts'],
});
