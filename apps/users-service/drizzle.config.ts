import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/users-service/drizzle.config.ts` writes a new versioned migration
// after a change to the schema; the service applies pending migrations when it starts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/users-service/src/db/schema.ts',
  out: './apps/users-service/src/db/migrations',
});
