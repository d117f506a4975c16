import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseRanks } from '../../src/stats/kendall.js';

/** Dense ranks the obvious way: the index of each value among the sorted distinct values. */
function naiveRanks(values: readonly number[]): number[] {
  const distinct = [...new Set(values.map((v) => (Object.is(v, -0) ? 0 : v)))].sort((a, b) => a - b);
  return values.map((v) => distinct.indexOf(Object.is(v, -0) ? 0 : v));
}

describe('denseRanks', () => {
  const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(-0, 0, 1e300, -1e300));
  it('ranks sorted input (the one-pass path) and unsorted input (the sort path) alike', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.boolean(), (values, sorted) => {
        const input = sorted ? [...values].sort((a, b) => a - b) : values;
        const { ranks, distinct } = denseRanks(input, 'test');
        expect([...ranks]).toEqual(naiveRanks(input));
        expect(distinct).toBe(new Set(input.map((v) => (Object.is(v, -0) ? 0 : v))).size);
      }),
      { seed: 5, numRuns: 400 },
    );
  });
});
