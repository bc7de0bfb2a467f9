import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/orders-service/drizzle.config.ts` writes a new versioned migration
// after a change to the schema; the service applies pending migrations when it starts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/orders-service/src/db/schema.ts',
  out: './apps/orders-service/src/db/migrations',
});
