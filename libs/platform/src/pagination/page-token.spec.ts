import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { decodePageToken, encodePageToken, resolvePageSize } from './page-token.js';

describe('page sizes', () => {
  it('use the default for 0 or unset and accept 1 to 100', () => {
    expect(resolvePageSize(undefined)).toBe(20);
    expect(resolvePageSize(0)).toBe(20);
    expect(resolvePageSize(100)).toBe(100);
  });

  it('refuse values outside the range, naming the field', () => {
    for (const size of [101, -1, 2.5]) {
      expect(() => resolvePageSize(size)).toThrow(DomainError);
      expect(() => resolvePageSize(size)).toThrow(/page_size: must be between 1 and 100/);
    }
  });
});

describe('page tokens', () => {
  it('round-trip the cursor of their own list', () => {
    const token = encodePageToken('users', { after: 'abc' });
    expect(decodePageToken('users', token)).toEqual({ after: 'abc' });
    expect(decodePageToken('users', '')).toBeUndefined();
  });

  it('are refused by another list and when tampered with', () => {
    const token = encodePageToken('users', { after: 'abc' });
    expect(() => decodePageToken('orders', token)).toThrow(/page_token: is not a token this list returned/);
    expect(() => decodePageToken('users', 'not-a-token')).toThrow(/page_token/);
    expect(() => decodePageToken('users', Buffer.from('{"l":"users","c":{"after":1}}').toString('base64url'))).toThrow(/page_token/);
  });
});
