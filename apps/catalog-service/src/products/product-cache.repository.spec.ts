import { describe, expect, it } from 'vitest';
import { MemoryProductCacheStore } from './product-cache.repository.js';

const limits = { ttlMs: 60_000, changedMs: 2_000, maxEntries: 3 };

function store() {
  const clock = { now: 0 };
  return { clock, cache: new MemoryProductCacheStore(limits, () => clock.now) };
}

describe('the product cache in one process', () => {
  it('answers what was filled until it expires', async () => {
    const { clock, cache } = store();
    await cache.fill([['a', '{"id":"a"}']]);

    expect(await cache.get(['a', 'b'])).toEqual(['{"id":"a"}', undefined]);
    clock.now = limits.ttlMs;
    expect(await cache.get(['a'])).toEqual([undefined]);
  });

  it('keeps a just-changed product out until the mark expires, so a read begun before the change cannot put it back', async () => {
    const { clock, cache } = store();
    await cache.fill([['a', 'old']]);
    await cache.invalidate(['a']);

    await cache.fill([['a', 'read before the change']]);
    expect(await cache.get(['a'])).toEqual([undefined]);

    clock.now = limits.changedMs;
    await cache.fill([['a', 'new']]);
    expect(await cache.get(['a'])).toEqual(['new']);
  });

  it('holds at most maxEntries, changed marks included, forgetting the oldest first', async () => {
    const { cache } = store();
    await cache.fill([
      ['a', 'A'],
      ['b', 'B'],
      ['c', 'C'],
    ]);
    await cache.invalidate(['x']);
    await cache.fill([['d', 'D']]);

    expect(await cache.get(['a', 'b', 'c', 'd'])).toEqual([undefined, undefined, 'C', 'D']);
  });

  it('forgets everything when cleared', async () => {
    const { cache } = store();
    await cache.fill([['a', 'A']]);
    await cache.clear();
    expect(await cache.get(['a'])).toEqual([undefined]);
  });
});
