import { projectTestConfig } from '../../vitest.shared.js';

export default projectTestConfig(import.meta.dirname, {
  // Integration specs run against real PostgreSQL when Docker or TEST_DATABASE_URL is available, and the shared
  // sign-in throttle against real Valkey when Docker or TEST_VALKEY_URL is.
  globalSetup: ['../../libs/testing/src/postgres.global-setup.ts', '../../libs/testing/src/valkey.global-setup.ts'],
});
