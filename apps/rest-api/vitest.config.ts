import { projectTestConfig } from '../../vitest.shared.js';

export default projectTestConfig(import.meta.dirname, {
  // rest-api owns a database (API keys): its specs run against real PostgreSQL when Docker or
  // TEST_DATABASE_URL is available.
  globalSetup: ['../../libs/testing/src/postgres.global-setup.ts'],
});
