import { projectTestConfig } from '../../vitest.shared.js';

export default projectTestConfig(import.meta.dirname, {
  // The throttles' specs run on a real Valkey too, when Docker or TEST_VALKEY_URL makes one available.
  globalSetup: ['../../libs/testing/src/valkey.global-setup.ts'],
});
