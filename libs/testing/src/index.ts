export { freePort } from './free-port.js';
export { createTestDatabase, startTestPostgres, type TestPostgres } from './test-postgres.js';
