import { Writable } from 'node:stream';
import { createLogger } from '@triad/platform';

/** A log line as a process writes it: pino's JSON, parsed. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A logger for a process started in a spec whose log the spec reads: `lines()` is everything written so far. */
export function capturedLog(service: string, level = 'info'): { logger: ReturnType<typeof createLogger>; lines: () => LogLine[] } {
  const written: string[] = [];
  const destination = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      written.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger(service, level, destination),
    lines: () =>
      written
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine),
  };
}
