// Run by openDatabase (database.ts) as a child process of its own: creates the PostgreSQL cluster in a new PGlite
// data folder and exits. PGlite runs initdb in a second WebAssembly instance inside the process that asks,
// which peaks near 1 GB and leaves tens of MB behind for good; here all of it goes when this process ends.
// Usage: node pglite-initdb.js DATA_DIR START_PARAMS_AS_JSON
import { PGlite } from '@electric-sql/pglite';

const [dataDir, startParams = '[]'] = process.argv.slice(2);
const client = await PGlite.create({ dataDir, startParams: JSON.parse(startParams) as string[] });
await client.close();
