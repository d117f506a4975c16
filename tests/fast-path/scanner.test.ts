import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LineScanner,
  STRING_ESCAPED,
  STRING_NON_ASCII,
  TOKEN_ABSENT,
  TOKEN_ARRAY,
  TOKEN_NUMBER,
  TOKEN_OBJECT,
  TOKEN_STRING,
} from '../../src/fast-path/scanner.js';

const KEYS = ['a', 'b', 'kind', 'n'];

function scan(text: string, keys = KEYS): LineScanner | null {
  const scanner = new LineScanner(keys);
  const bytes = Buffer.from(text, 'utf8');
  return scanner.scan(bytes, 0, bytes.length) ? scanner : null;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** JSON text with the spacing, escapes and numbers JSON.stringify never writes. */
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value, null, '\t')),
  fc.constantFrom(
    '1.0',
    '1e3',
    '-0',
    '01',
    '1.',
    '.5',
    '"\\u00e9"',
    '"\\x"',
    '"\t"',
    'tru',
    '[1,]',
    '{"a":1,}',
    '[[[]]]',
  ),
);
const objectText = fc
  .array(
    fc.tuple(
      fc.constantFrom('a', 'b', 'kind', 'n', 'other', '__proto__', 'k\\u0069nd'),
      jsonish,
      fc.constantFrom('', ' ', '\r'),
    ),
    {
      maxLength: 6,
    },
  )
  .map(
    (members) => `{${members.map(([key, value, ws]) => `${ws}"${key}"${ws}:${ws}${value}${ws}`).join(',')}}`,
  );
const damaged = fc
  .tuple(objectText, fc.nat(), fc.constantFrom('none', 'cut', 'append'))
  .map(([text, at, how]) =>
    how === 'cut'
      ? text.slice(0, at % (text.length + 1))
      : how === 'append'
        ? `${text}${'x}, '[at % 4]}`
        : text,
  );

describe('LineScanner', () => {
  it('proves only lines JSON.parse reads as an object, with the values JSON.parse reads', () => {
    let proven = 0;
    fc.assert(
      fc.property(damaged, (text) => {
        const scanner = scan(text);
        if (scanner === null) return;
        proven += 1;
        expect(isJsonObject(text)).toBe(true);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        KEYS.forEach((key, slot) => {
          if (scanner.token[slot] === TOKEN_ABSENT) {
            expect(Object.hasOwn(parsed, key)).toBe(false);
            return;
          }
          const start = scanner.start[slot] as number;
          const end = scanner.end[slot] as number;
          const bytes = Buffer.from(text, 'utf8');
          if (
            scanner.token[slot] === TOKEN_STRING &&
            ((scanner.flags[slot] as number) & STRING_ESCAPED) === 0
          ) {
            expect(bytes.toString('utf8', start, end)).toBe(parsed[key]);
          } else if (scanner.token[slot] !== TOKEN_STRING) {
            expect(JSON.parse(bytes.toString('utf8', start, end))).toEqual(parsed[key]);
          }
          const integer = scanner.integer[slot] as number;
          if (scanner.token[slot] === TOKEN_NUMBER && !Number.isNaN(integer))
            expect(integer).toBe(parsed[key]);
        });
      }),
      { seed: 77, numRuns: 3000 },
    );
    expect(proven).toBeGreaterThan(300);
  });

  it('proves the lines a producer writes, in any JSON spacing', () => {
    const line =
      '{"kind":"dispatch","n":12,"a":"é","b":["x","y"],"other":{"deep":[1,2,{"z":null}]},"__proto__":1}';
    const scanner = scan(line);
    expect(scanner).not.toBeNull();
    expect(scan(' \t{ "kind" : "dispatch" ,\r"n" :12 } \r')).not.toBeNull();
    expect(scan('{}')).not.toBeNull();
    const s = scanner as LineScanner;
    expect(s.token[KEYS.indexOf('kind')]).toBe(TOKEN_STRING);
    expect(s.integer[KEYS.indexOf('n')]).toBe(12);
    expect(s.flags[KEYS.indexOf('a')]).toBe(STRING_NON_ASCII);
    expect(s.token[KEYS.indexOf('b')]).toBe(TOKEN_ARRAY);
    expect(s.elementCount[KEYS.indexOf('b')]).toBe(2);
    expect(scan('{"a":{"x":[1]}}')?.token[0]).toBe(TOKEN_OBJECT);
  });

  it('leaves to JSON.parse what it cannot prove', () => {
    for (const line of [
      '',
      '[1]',
      '"x"',
      '{"a":1,"a":2}',
      '{"k\\u0069nd":"dispatch"}',
      '{"a":1} x',
      '{"a":1}{"a":1}',
      '{"a":01}',
      '{"a":"\\q"}',
      '{"a":"\u0001"}',
      '{"a":[1,]}',
      '{"a":1,}',
      '{"a"}',
      '{"a":tru}',
      '\u00a0{"a":1}',
      '\ufeff{"a":1}',
      `{"other":${'['.repeat(66)}${']'.repeat(66)}}`,
      '{"a":"unterminated}',
    ]) {
      expect(scan(line), line).toBeNull();
    }
  });

  it('reads integers exactly or not at all', () => {
    const integerOf = (text: string): number | undefined => scan(`{"n":${text}}`)?.integer[3];
    expect(integerOf('0')).toBe(0);
    expect(integerOf('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(integerOf('-42')).toBe(-42);
    for (const text of ['-0', '1.0', '1e2', '1E+2', '9007199254740992', '12345678901234567890']) {
      expect(integerOf(text), text).toBeNaN();
    }
  });

  it('validates skipped values as deeply as it nests, with no recursion', () => {
    expect(scan(`{"other":${'['.repeat(64)}${']'.repeat(64)}}`)).not.toBeNull();
    expect(scan(`{"other":${'[{"x":'.repeat(30)}1${'}]'.repeat(30)}}`)).not.toBeNull();
    expect(scan(`{"other":${'['.repeat(10)}${']'.repeat(9)}}`)).toBeNull();
  });
});
