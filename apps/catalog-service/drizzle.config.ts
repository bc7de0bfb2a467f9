import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate --config apps/catalog-service/drizzle.config.ts --name <name>` writes a new
// versioned migration after a change to the schema; the service applies pending migrations when it starts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './apps/catalog-service/src/db/schema.ts',
  out: './apps/catalog-service/src/db/migrations',
});
