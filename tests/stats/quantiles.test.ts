import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decileMedians, median, quantile7, quantiles7, summarize } from '../../src/stats/quantiles.js';

const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('statistics quantiles (R type 7)', () => {
  it('matches R quantile() defaults', () => {
    // R: quantile(1:10, c(0.1, 0.25, 0.5, 0.9)) gives 1.90, 3.25, 5.50, 9.10 (type 7, Hyndman & Fan 1996).
    expect(quantile7(oneToTen, 0.1)).toBeCloseTo(1.9, 12);
    expect(quantile7(oneToTen, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile7(oneToTen, 0.5)).toBe(5.5);
    expect(quantile7(oneToTen, 0.9)).toBeCloseTo(9.1, 12);
    // simple-statistics' documented example: quantileSorted([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], 0.5) = 9.
    expect(quantile7([3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20], 0.5)).toBe(9);
    expect(quantile7(new Float64Array([2, 4]), 0)).toBe(2);
    expect(quantile7(new Float64Array([2, 4]), 1)).toBe(4);
  });

  it('interpolates linearly between order statistics for any p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const position = (sorted.length - 1) * p;
          const below = sorted[Math.floor(position)] as number;
          const above = sorted[Math.ceil(position)] as number;
          const expected = below + (position - Math.floor(position)) * (above - below);
          expect(quantile7(sorted, p)).toBeCloseTo(expected, 9);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });

  it('rejects empty input and p outside [0, 1]', () => {
    expect(() => quantile7([], 0.5)).toThrow(RangeError);
    expect(() => quantile7([1], 1.5)).toThrow(RangeError);
    expect(() => quantile7([1], Number.NaN)).toThrow(RangeError);
  });

  it('computes medians, null for no values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median(new Float64Array([7]))).toBe(7);
    expect(median([])).toBeNull();
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });

  it('selects the same percentiles as sorting first, to the bit, ties, zeros and -0 included', () => {
    const value = fc.oneof(
      fc.integer({ min: -5, max: 5 }),
      fc.double({ noNaN: true }),
      fc.constantFrom(0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    const ps = fc.uniqueArray(
      fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.1, 0.5, 0.9, 1)),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), ps, (values, unsorted) => {
        const percentiles = [...unsorted].sort((a, b) => a - b);
        const sorted = Float64Array.from(values).sort();
        const expected = percentiles.map((p) => quantile7(sorted, p));
        const actual = quantiles7(values, percentiles, 'test');
        for (const [i, got] of actual.entries()) {
          expect(Object.is(got, expected[i]), `p=${percentiles[i]}`).toBe(true);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
    // A sort puts -0 before 0; selection alone would not.
    expect(Object.is(quantiles7([0, -0], [0], 'test')[0], -0)).toBe(true);
    expect(Object.is(quantiles7([0, 0, -0], [0.5, 1], 'test')[1], 0)).toBe(true);
  });

  it('summarizes with type-7 percentiles and the mean', () => {
    expect(summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({
      n: 10,
      p10: 1.9,
      p50: 5.5,
      p90: 9.1,
      mean: 5.5,
    });
    expect(summarize([])).toEqual({ n: 0, p10: null, p50: null, p90: null, mean: null });
    expect(summarize([4])).toEqual({ n: 1, p10: 4, p50: 4, p90: 4, mean: 4 });
  });

  it('takes the medians of the first and last ceil(n/10) points', () => {
    const series = Array.from({ length: 25 }, (_, i) => i * 2);
    // ceil(25/10) = 3: first three are 0, 2, 4; last three are 44, 46, 48.
    expect(decileMedians(series)).toEqual({ first: 2, last: 46 });
    expect(decileMedians([5, 1])).toEqual({ first: 5, last: 1 });
    expect(decileMedians(new Float64Array(20).map((_, i) => i))).toEqual({ first: 0.5, last: 18.5 });
    expect(decileMedians([])).toEqual({ first: null, last: null });
  });
});
