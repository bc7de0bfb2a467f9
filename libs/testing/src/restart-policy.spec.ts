import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_POLICY, nextAttempt, restartDelay } from './restart-policy.js';

describe('the default restart policy', () => {
  it('waits 0.5 s before the first restart and twice as long before each further one, up to 15 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => restartDelay(DEFAULT_RESTART_POLICY, attempt));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  it('counts crashes in a row while a process keeps failing soon after it starts', () => {
    expect(nextAttempt(DEFAULT_RESTART_POLICY, 0, 2_000)).toBe(1);
    expect(nextAttempt(DEFAULT_RESTART_POLICY, 3, 2_000)).toBe(4);
  });

  it('starts over at the first attempt once a process has stayed up for 30 s', () => {
    expect(nextAttempt(DEFAULT_RESTART_POLICY, 6, 30_000)).toBe(1);
    expect(restartDelay(DEFAULT_RESTART_POLICY, nextAttempt(DEFAULT_RESTART_POLICY, 6, 45_000))).toBe(500);
  });
});
