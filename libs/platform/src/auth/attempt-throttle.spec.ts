import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { connectValkey, type Valkey } from '../shared-state/valkey.js';
import { attemptThrottle, MemoryAttemptThrottle, type AttemptThrottleSettings } from './attempt-throttle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Valkey server, from libs/testing's valkey.global-setup.ts; empty when there is none. */
    valkeyUrl: string;
  }
}

const SETTINGS: AttemptThrottleSettings = { maxAttempts: 3, windowMs: 60_000, firstWaitMs: 1_000, maxWaitMs: 8_000 };
const valkeyUrl = inject('valkeyUrl');
if (!valkeyUrl) process.stderr.write('AttemptThrottle in Valkey: not run here, no Valkey server (no Docker engine, no TEST_VALKEY_URL)\n');

let valkey: Valkey | undefined;
beforeAll(async () => {
  if (valkeyUrl) valkey = await connectValkey(valkeyUrl, { name: 'attempt-throttle-spec', logger: createLogger('spec', 'silent') });
});
afterAll(() => valkey?.quit());

let names = 0;

// The same rules whether the process counts in its memory or its replicas count together in Valkey.
for (const store of ['memory', 'Valkey'] as const) {
  describe.skipIf(store === 'Valkey' && !valkeyUrl)(`AttemptThrottle in ${store}`, () => {
    /** A throttle of its own (a fresh name in Valkey) on a clock the test moves. */
    function throttle(settings = SETTINGS) {
      let now = 1_800_000_000_000;
      const clock = { advance: (ms: number) => (now += ms) };
      const attempts = attemptThrottle(`spec-${++names}`, settings, { valkey: store === 'Valkey' ? valkey : undefined, now: () => now });
      return { attempts, clock };
    }

    it('lets a key make its attempts, then makes it wait longer after each further one, up to the cap', async () => {
      const { attempts, clock } = throttle();
      expect([await attempts.record('a'), await attempts.record('a')]).toEqual([0, 0]);
      expect(await attempts.record('a')).toBe(1);
      clock.advance(1_000);
      expect(await attempts.waitSeconds('a')).toBe(0);
      expect(await attempts.record('a')).toBe(2);
      clock.advance(2_000);
      await attempts.record('a');
      clock.advance(4_000);
      await attempts.record('a');
      clock.advance(8_000);
      expect(await attempts.record('a')).toBe(8);
      expect(await attempts.waitSeconds('b')).toBe(0);
    });

    it('forgets attempts older than the window once the key is not waiting', async () => {
      const { attempts, clock } = throttle();
      await attempts.record('a');
      await attempts.record('a');
      clock.advance(61_000);
      expect([await attempts.record('a'), await attempts.record('a')]).toEqual([0, 0]);
    });

    it('takes back an attempt that was not a failure, and the wait it started', async () => {
      const { attempts } = throttle();
      await attempts.record('a');
      await attempts.record('a');
      expect(await attempts.record('a')).toBe(1);
      await attempts.refund('a');
      expect(await attempts.waitSeconds('a')).toBe(0);
    });

    it('counts attempts made at once without losing one, and forgets a key on reset', async () => {
      const { attempts } = throttle();
      await Promise.all([attempts.record('a'), attempts.record('a'), attempts.record('a')]);
      expect(await attempts.waitSeconds('a')).toBe(1);
      await attempts.reset('a');
      expect(await attempts.waitSeconds('a')).toBe(0);
    });

    it('lets only as many of a burst of attempts through as the limit allows, counting none of the others', async () => {
      const { attempts } = throttle();
      const answers = await Promise.all(Array.from({ length: 6 }, () => attempts.attempt('a')));
      expect(answers.filter((wait) => wait === 0)).toHaveLength(3);
      expect(answers.filter((wait) => wait > 0)).toHaveLength(3);
      await attempts.refund('a');
      expect(await attempts.attempt('a')).toBe(0);
    });

    it('counts nothing when turned off (maxAttempts 0)', async () => {
      const { attempts } = throttle({ ...SETTINGS, maxAttempts: 0 });
      for (let attempt = 0; attempt < 10; attempt += 1) expect(await attempts.record('a')).toBe(0);
    });
  });
}

describe.skipIf(!valkeyUrl)('AttemptThrottle in Valkey, across replicas', () => {
  it('makes a key wait on every replica once it made its attempts on several', async () => {
    const name = `spec-${++names}`;
    const [first, second] = [attemptThrottle(name, SETTINGS, { valkey }), attemptThrottle(name, SETTINGS, { valkey })];
    await first.record('guesser');
    await second.record('guesser');
    expect(await first.record('guesser')).toBe(1);
    expect(await second.waitSeconds('guesser')).toBe(1);
  });

  it('stores no key as given, and keeps nothing past the window and the wait', async () => {
    const name = `spec-${++names}`;
    await attemptThrottle(name, { ...SETTINGS, windowMs: 200 }, { valkey }).record('someone@example.com');
    const stored = await valkey!.keys(`triad:throttle:${name}:*`);
    expect(stored).toHaveLength(1);
    expect(stored[0]).not.toContain('someone');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await valkey!.keys(`triad:throttle:${name}:*`)).toEqual([]);
  });
});

describe('AttemptThrottle in memory, under a flood of keys', () => {
  it('keeps a waiting key when a flood of new keys fills its memory, and leaves the newcomers uncounted', async () => {
    const attempts = new MemoryAttemptThrottle({ ...SETTINGS, maxKeys: 3 });
    for (let attempt = 0; attempt < 3; attempt += 1) await attempts.record('victim');
    expect(await attempts.waitSeconds('victim')).toBe(1);
    for (let flood = 0; flood < 1_000; flood += 1) await attempts.record(`flood-${flood}`);
    expect(await attempts.waitSeconds('victim')).toBe(1);
  });
});
