import { describe, expect, it } from 'vitest';
import { AttemptThrottle } from './attempt-throttle.js';

function throttle(maxKeys = 100) {
  let now = 0;
  const clock = { advance: (ms: number) => (now += ms) };
  const attempts = new AttemptThrottle({ maxAttempts: 3, windowMs: 60_000, firstWaitMs: 1_000, maxWaitMs: 8_000, maxKeys }, () => now);
  return { attempts, clock };
}

describe('AttemptThrottle', () => {
  it('lets a key make its attempts, then makes it wait longer after each further one, up to the cap', () => {
    const { attempts, clock } = throttle();
    expect([attempts.record('a'), attempts.record('a')]).toEqual([0, 0]);
    expect(attempts.record('a')).toBe(1);
    clock.advance(1_000);
    expect(attempts.waitSeconds('a')).toBe(0);
    expect(attempts.record('a')).toBe(2);
    clock.advance(2_000);
    attempts.record('a');
    clock.advance(4_000);
    attempts.record('a');
    clock.advance(8_000);
    expect(attempts.record('a')).toBe(8);
    expect(attempts.waitSeconds('b')).toBe(0);
  });

  it('forgets attempts older than the window once the key is not waiting', () => {
    const { attempts, clock } = throttle();
    attempts.record('a');
    attempts.record('a');
    clock.advance(61_000);
    expect([attempts.record('a'), attempts.record('a')]).toEqual([0, 0]);
  });

  it('takes back an attempt that was not a failure, and the wait it started', () => {
    const { attempts } = throttle();
    attempts.record('a');
    attempts.record('a');
    expect(attempts.record('a')).toBe(1);
    attempts.refund('a');
    expect(attempts.waitSeconds('a')).toBe(0);
  });

  it('keeps a waiting key when a flood of new keys fills its memory, and leaves the newcomers uncounted', () => {
    const { attempts } = throttle(3);
    for (let attempt = 0; attempt < 3; attempt += 1) attempts.record('victim');
    expect(attempts.waitSeconds('victim')).toBe(1);
    for (let flood = 0; flood < 1_000; flood += 1) attempts.record(`flood-${flood}`);
    expect(attempts.waitSeconds('victim')).toBe(1);
  });
});
