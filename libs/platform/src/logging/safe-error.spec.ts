import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { asDomainError } from '../errors/domain-error.js';
import { createLogger } from './logger.js';
import { scrubLogText, serializeError } from './safe-error.js';

const SECRET_HASH = '$scrypt$N=16384,r=8,p=1$c2VjcmV0LXNhbHQ$bm90LWEtcmVhbC1oYXNoLWJ1dC1zZWNyZXQ';

let client: PGlite;
let failedInsert: unknown;
let failedCheck: unknown;

beforeAll(async () => {
  client = await PGlite.create();
  const db = drizzle({ client });
  await db.execute(
    sql`create table accounts (email text not null, name text not null check (length(name) < 10), password_hash text not null)`,
  );
  // What a NUL byte in a sign-up form did before validation caught it: the insert fails, with the hash beside it.
  failedInsert = await db.execute(sql`insert into accounts values (${'ada@example.com'}, ${'Ada\u0000'}, ${SECRET_HASH})`).then(
    () => undefined,
    (error: unknown) => error,
  );
  // A check violation: PostgreSQL's `detail` then holds the whole row.
  failedCheck = await db.execute(sql`insert into accounts values (${'ada@example.com'}, ${'a much too long name'}, ${SECRET_HASH})`).then(
    () => undefined,
    (error: unknown) => error,
  );
}, 60_000);

afterAll(() => client?.close());

/** Every line a Triad logger writes, as one string. */
function capture(): { logger: pino.Logger; output: () => string } {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
  return { logger: createLogger('test-service', 'info', destination), output: () => lines.join('') };
}

describe('serializeError', () => {
  it('keeps the SQL and the SQLSTATE of a failed query but none of its parameters', () => {
    expect(failedInsert).toBeInstanceOf(Error);
    const logged = JSON.stringify(serializeError(failedInsert));
    expect(logged).toContain('Failed query: insert into accounts values ($1, $2, $3)');
    expect(logged).toContain('22021');
    expect(logged).not.toContain(SECRET_HASH);
    expect(logged).not.toContain('ada@example.com');
  });

  it("leaves out PostgreSQL's detail, which repeats the failing row", () => {
    const logged = JSON.stringify(serializeError(failedCheck));
    expect(logged).toContain('23514');
    expect(logged).not.toContain(SECRET_HASH);
    expect(logged).not.toContain('much too long');
  });

  it('is what every Triad logger writes errors and secrets with', () => {
    const { logger, output } = capture();
    logger.error({ err: failedInsert, request: { password: 'hunter2-hunter2', authorization: 'Bearer abc.def.ghi' } }, 'insert failed');
    expect(output()).toContain('Failed query');
    expect(output()).not.toContain(SECRET_HASH);
    expect(output()).not.toContain('hunter2-hunter2');
    expect(output()).not.toContain('abc.def.ghi');
  });

  it('cuts query parameters out of text that Nest logs as a string', () => {
    const text = scrubLogText(`Error: Failed query: insert into t values ($1)\nparams: ${SECRET_HASH}\n    at fake (x.js:1:1)`);
    expect(text).not.toContain(SECRET_HASH);
    expect(text).toContain('Failed query: insert into t values ($1)');
  });
});

describe('asDomainError', () => {
  it('makes a value the database refused an INVALID_ARGUMENT, not a crash', () => {
    expect(asDomainError(failedInsert)).toMatchObject({ kind: 'INVALID_ARGUMENT', code: 'REQUEST.UNSTORABLE_VALUE' });
  });

  it('leaves other database errors unexpected', () => {
    expect(asDomainError(failedCheck)).toBeUndefined();
  });
});
