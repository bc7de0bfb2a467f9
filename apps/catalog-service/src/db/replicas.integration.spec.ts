import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, createTestDatabase } from '@triad/testing';
import { sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { DEMO_PRODUCTS } from '../products/demo-products.seed.js';
import { startTestCatalog } from '../testing/catalog-service.harness.js';
import { MIGRATIONS_FOLDER } from './database.js';

// Replicas of a service (a Kubernetes Deployment scaled to three, a rollout) start at the same moment on one
// database. Embedded PGlite has one process per data folder by design, so this needs PostgreSQL.
describe.skipIf(!inject('postgresUrl'))('two replicas starting together on one empty PostgreSQL database', () => {
  it('both come up and serve, with each migration applied once and the demo products seeded once', async () => {
    const database = await createTestDatabase(inject('postgresUrl'));
    const replicas = await Promise.all([startTestCatalog({ database }), startTestCatalog({ database })]);
    try {
      const [first, second] = replicas;
      const listed = await Promise.all(replicas.map(({ catalog }) => call(catalog.listProducts({ pageSize: 100, pageToken: '', query: '' }))));
      expect(listed[0]!.products).toHaveLength(DEMO_PRODUCTS.length);
      expect(listed[1]!.products.map((product) => product.id)).toEqual(listed[0]!.products.map((product) => product.id));

      const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const applied = (await first!.db.execute(sql`select hash from drizzle.__drizzle_migrations`)) as unknown as { rows: unknown[] };
      expect(applied.rows).toHaveLength(journal.entries.length);

      const stored = (await second!.db.execute(sql`select count(*)::int as count from products`)) as unknown as {
        rows: { count: number }[];
      };
      expect(stored.rows[0]!.count).toBe(DEMO_PRODUCTS.length);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });
});
