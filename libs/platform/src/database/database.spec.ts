import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database.js';

// PGlite's start-up can take several seconds on a busy machine.
const PGLITE_TIMEOUT_MS = 60_000;

describe('openDatabase on embedded PGlite', () => {
  const folder = mkdtempSync(join(tmpdir(), 'triad-database-spec-'));
  // A migrations folder with no migrations in it, as drizzle-kit writes it.
  const migrationsFolder = join(folder, 'migrations');
  const open = (dataDir: string) => openDatabase({ dataDir, schema: {}, migrationsFolder });

  beforeAll(() => {
    mkdirSync(join(migrationsFolder, 'meta'), { recursive: true });
    writeFileSync(join(migrationsFolder, 'meta/_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] }));
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  describe('its settings', () => {
    let database: DatabaseHandle<Record<string, never>>;
    beforeAll(async () => {
      database = await open('memory://');
    }, PGLITE_TIMEOUT_MS);
    afterAll(() => database?.close());

    it('keeps a 16 MB buffer pool, not PostgreSQL’s 128 MB, so that four databases fit on one machine', async () => {
      expect(await setting(database, 'shared_buffers')).toBe('16MB');
    });

    it('keeps the settings PGlite starts with', async () => {
      expect(await setting(database, 'search_path')).toBe('public');
      expect(await setting(database, 'max_worker_processes')).toBe('0');
    });
  });

  it(
    'creates a new data folder and finds what was stored there when it is opened again',
    async () => {
      const dataDir = join(folder, 'data');
      const first = await open(dataDir);
      await first.db.execute(sql`create table notes (body text)`);
      await first.db.execute(sql`insert into notes values ('kept')`);
      await first.close();

      const again = await open(dataDir);
      try {
        const notes = (await again.db.execute(sql`select body from notes`)) as unknown as { rows: { body: string }[] };
        expect(notes.rows).toEqual([{ body: 'kept' }]);
      } finally {
        await again.close();
      }
    },
    PGLITE_TIMEOUT_MS,
  );
});

async function setting(database: DatabaseHandle<Record<string, never>>, name: string): Promise<string> {
  const result = (await database.db.execute(sql`select current_setting(${name}) as value`)) as unknown as { rows: { value: string }[] };
  return result.rows[0]!.value;
}
