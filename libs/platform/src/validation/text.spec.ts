import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors/domain-error.js';
import { parseInput, requireUuid } from './parse-input.js';
import { multiLineText, quoteInput, singleLineText } from './text.js';

const form = z.object({ name: singleLineText().trim().max(100, { error: 'must be at most 100 characters' }), note: multiLineText() });

function violations(input: unknown) {
  try {
    parseInput(form, input, 'TEST.INVALID_INPUT');
  } catch (error) {
    if (error instanceof DomainError) return error.fieldViolations.map((violation) => `${violation.field}: ${violation.description}`);
    throw error;
  }
  return [];
}

describe('singleLineText and multiLineText', () => {
  it('accept ordinary text in any script, and line breaks in multi-line text', () => {
    expect(violations({ name: 'Zoë 李 🚀', note: 'first line\r\nsecond\tline' })).toEqual([]);
  });

  it.each([
    ['a NUL byte', 'ab\u0000c'],
    ['an escape', '\u001b[31mred'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085b'],
    ['a line break', 'two\nlines'],
  ])('refuse %s on one line, naming the field', (_what, value) => {
    expect(violations({ name: value, note: '' })).toEqual(['name: must not contain control characters (such as NUL or a line break)']);
  });

  it('refuses NUL in multi-line text too', () => {
    expect(violations({ name: 'ok', note: 'a\u0000' })).toEqual([
      'note: must not contain control characters (such as NUL) other than tabs and line breaks',
    ]);
  });

  it('refuses an unpaired surrogate, which has no UTF-8 encoding', () => {
    expect(violations({ name: 'a\ud800b', note: '\udc00' })).toEqual([
      'name: must be valid Unicode text',
      'note: must be valid Unicode text',
    ]);
  });

  it('refuses a value that is not a string', () => {
    expect(violations({ name: 42, note: null })).toEqual(['name: must be a string', 'note: must be a string']);
  });
});

describe('quoteInput', () => {
  it('quotes a short value whole and cuts a long one, saying how long it was', () => {
    expect(quoteInput('abc')).toBe('"abc"');
    const quoted = quoteInput('x'.repeat(100_000));
    expect(quoted.length).toBeLessThan(80);
    expect(quoted).toContain('(100000 characters)');
  });

  it('keeps a 100 KB id out of the error message', () => {
    const error = (() => {
      try {
        return requireUuid('7'.repeat(100_000), 'id', 'TEST.INVALID_INPUT');
      } catch (caught) {
        return caught as DomainError;
      }
    })() as DomainError;
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.message.length).toBeLessThan(200);
  });
});
