import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { OutageLog } from './outage-log.js';

describe('OutageLog', () => {
  it('logs when the store starts failing and when it works again, nothing for each use in between', () => {
    const lines: { level: string; msg: string; reason?: string }[] = [];
    const logger = createLogger('spec', 'info', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const outages = new OutageLog(logger, { unavailable: 'store failing', available: 'store works again' });

    expect(outages.worked('value')).toBe('value');
    expect(outages.failed(new Error('connection refused'))).toBeUndefined();
    outages.failed(new Error('connection refused'));
    outages.worked(undefined);
    outages.worked(undefined);
    outages.failed('not an Error');

    expect(lines.map(({ level, msg, reason }) => ({ level, msg, reason }))).toEqual([
      { level: 'warn', msg: 'store failing', reason: 'connection refused' },
      { level: 'info', msg: 'store works again', reason: undefined },
      { level: 'warn', msg: 'store failing', reason: 'not an Error' },
    ]);
  });
});
