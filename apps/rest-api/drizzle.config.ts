import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/rest-api/drizzle.config.ts` writes a new versioned migration after a
// change to the schema; rest-api applies pending migrations when it starts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/rest-api/src/db/schema.ts',
  out: './apps/rest-api/src/db/migrations',
});
