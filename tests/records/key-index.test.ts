import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/records/key-hash.js';
import { KeyIndex } from '../../src/records/key-index.js';

describe('KeyIndex', () => {
  it('behaves like a Map from (hi, lo) to values, even when many keys share the low bits', () => {
    const word = fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 16, 32), fc.nat({ max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(fc.tuple(word, word, fc.nat()), { maxLength: 300 }), (entries) => {
        const index = new KeyIndex(entries.length);
        const model = new Map<string, number>();
        for (const [hi, lo, value] of entries) {
          index.set(hi, lo, value);
          model.set(`${hi}:${lo}`, value);
        }
        for (const [hi, lo] of entries) expect(index.get(hi, lo)).toBe(model.get(`${hi}:${lo}`));
        expect(index.get(12345, 67890)).toBe(model.get('12345:67890') ?? -1);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('hashKey', () => {
  it('is a pure function of the text, pinned so stored states stay readable', () => {
    expect(hashKey('att_1_1')).toEqual(hashKey('att_1_1'));
    // Incremental states store these hashes: changing the function needs a new state version.
    expect(hashKey('')).toEqual([2872998923, 3954623016]);
    expect(hashKey('att_1_1')).toEqual([2819205164, 3221249971]);
  });

  it('gives a million producer-style ids a million distinct hashes', () => {
    const seen = new Set<string>();
    for (let task = 0; task < 250_000; task += 1) {
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        const [hi, lo] = hashKey(`att_${task}_${attempt}`);
        seen.add(`${hi}:${lo}`);
      }
    }
    expect(seen.size).toBe(1_000_000);
  });

  it('tells apart texts that differ only in one character, its position, or length', () => {
    const texts = [
      'a',
      'b',
      'ab',
      'ba',
      'a\u0000',
      'é',
      'e\u0301',
      'fp_1_ee6589',
      'fp_1_ee6598',
      'fp_1_ee658',
    ];
    const hashes = new Set(texts.map((text) => hashKey(text).join(':')));
    expect(hashes.size).toBe(texts.length);
  });
});
