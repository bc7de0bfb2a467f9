import fc from 'fast-check';

/** Text no field accepts as it is, and text that is fine but long or odd: what an attacker types first. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'lamp\u0000',
  'a\u0000b\u0000c',
  '\ud800',
  'x\udfffy',
  '\u001b[31mred\u001b[0m',
  '\r\nSet-Cookie: a=b',
  '\u202eevil',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '🚀'.repeat(300),
  'x'.repeat(10_000),
  'y'.repeat(100_000),
  '00000000-0000-0000-0000-000000000000',
  '0190f3a4-7b1c-7d2e-8f00-ffffffffffff',
  'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
];

/** Numbers at and past every boundary a field may have, and values that are not numbers at all. */
const HOSTILE_NUMBERS = [
  0,
  -1,
  1,
  -0,
  0.5,
  -2_147_483_648,
  2_147_483_647,
  -2_147_483_649,
  2_147_483_648,
  4_294_967_297,
  2 ** 53 + 1,
  -(2 ** 63),
  1e308,
  -1e308,
];

/** A hostile string: one of the known-bad ones, or a random one made of any Unicode, controls included. */
export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  );
}

/** A hostile number, for a field that should hold a whole number in some range. */
export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) }, { weight: 1, arbitrary: fc.double({ noNaN: true }) });
}

/** Any JSON value of the wrong kind for a field: null, a boolean, a list, an object, nested. */
export function wrongType(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.constant([]),
    fc.constant({}),
    fc.array(hostileString(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), hostileString(), { maxKeys: 3 }),
  );
}

/** A value for a field of JSON Schema `type`: mostly of that type but hostile, sometimes of another type. */
export function hostileFor(type: string | undefined): fc.Arbitrary<unknown> {
  const ofType = type === 'integer' || type === 'number' ? hostileNumber() : type === 'boolean' ? fc.boolean() : hostileString();
  return fc.oneof({ weight: 4, arbitrary: ofType }, { weight: 1, arbitrary: wrongType() });
}

/** Text that must never reach a client: a stack frame, SQL, a driver's error or a file path of ours. */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat [\w.<>]+ \(?[/\w.-]+:\d+:\d+\)?/,
  /\bnode_modules\b/,
  /\/work\/|\/app\/apps\//,
  // The SQL drizzle writes: keywords before double-quoted identifiers (`select "id" from "users"`).
  /\b(select|from|into|update|join)\s+"[a-z_]+"/i,
  /\bSQLSTATE\b|\bsyntax error at or near\b|\bdrizzle\b|\bpglite\b|\bpostgres(ql)? error\b/i,
  /invalid byte sequence for encoding/i,
];

/** The leaks `text` holds, named by their pattern; empty when it holds none. */
export function leaksIn(text: string): string[] {
  return LEAK_PATTERNS.filter((pattern) => pattern.test(text)).map(String);
}
