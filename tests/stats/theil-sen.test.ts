import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/stats/random.js';
import { prepareSlopePoints } from '../../src/stats/slope-points.js';
import { selectSlopeRanks } from '../../src/stats/slope-selection.js';
import { theilSen } from '../../src/stats/theil-sen.js';
import { allPairSlopes } from '../helpers/slopes.js';
import { BOGRA_MONTHLY_RAINFALL } from './fixtures/bogra-rainfall.js';

function bruteForceMedianSlope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const slopes = allPairSlopes(x, y);
  const count = slopes.length;
  // `+ 0`: theilSen reports a zero slope as 0, never −0.
  return (
    ((slopes[Math.floor((count - 1) / 2)] as number) + (slopes[Math.floor(count / 2)] as number)) / 2 + 0
  );
}

/** Forces the randomised selection path with tiny budgets so small inputs exercise every branch. */
const largeInputPath = (maxSamplingRounds: number) => ({
  enumerationMaxPoints: 0,
  selection: { windowBudget: 12, sampleSize: 9, maxSamplingRounds },
});

/** Also refuses to list windows pinned to one slope value, to exercise that shortcut. */
const pinnedShortcutPath = (maxSamplingRounds: number) => ({
  enumerationMaxPoints: 0,
  selection: { windowBudget: 12, sampleSize: 9, maxSamplingRounds, pinnedListingBudget: 0 },
});

describe('statistics Theil–Sen', () => {
  it("reproduces Sen's (1968) example", () => {
    // Sen (1968), JASA 63:1379-1389, example data used by scipy's theilslopes tests
    // (scipy/stats/tests/test_stats.py::test_theilslopes): slope 4. Our intercept is
    // median(y − slope·x) = 6, which is scipy's method='joint' intercept.
    const x = [1, 2, 3, 4, 10, 12, 18];
    const y = [9, 15, 19, 20, 45, 55, 78];
    expect(theilSen(x, y)).toEqual({ slope: 4, intercept: 6, method: 'exact', pairs: 21 });
    expect(theilSen(x, y, largeInputPath(3))?.slope).toBe(4);
  });

  it("reproduces scipy's basic case and pyMannKendall's Sen slope for the Bogra rainfall", () => {
    // scipy test_theilslopes: theilslopes([0, 1, 1]) has slope 0.5, joint intercept 0.
    expect(theilSen([0, 1, 2], [0, 1, 1])).toMatchObject({ slope: 0.5, intercept: 0 });
    // pyMannKendall tests/test_pymannkendall.py::test_original_test: slope == -0.0064516129032258064.
    const times = BOGRA_MONTHLY_RAINFALL.map((_, i) => i);
    expect(theilSen(times, BOGRA_MONTHLY_RAINFALL)?.slope).toBe(-0.0064516129032258064);
    expect(
      theilSen(times, BOGRA_MONTHLY_RAINFALL, { ...largeInputPath(12), selection: undefined })?.slope,
    ).toBe(-0.0064516129032258064);
  });

  it('equals the brute-force median on both paths, with ties in x and in y', () => {
    // Arbitrary doubles include subnormal and 1e-250-scale coordinates, which send the
    // selection to its listing fallback; small integers give heavy ties in x, y and slopes.
    const coordinate = fc.oneof(
      { arbitrary: fc.integer({ min: -4, max: 4 }), weight: 2 },
      { arbitrary: fc.integer({ min: -100000, max: 100000 }).map((value) => value / 1000), weight: 2 },
      { arbitrary: fc.double({ min: -100, max: 100, noNaN: true }), weight: 1 },
    );
    const points = fc.array(fc.tuple(coordinate, coordinate), { minLength: 2, maxLength: 45 });
    const settings = fc.record({
      enumerationMaxPoints: fc.integer({ min: 0, max: 50 }),
      rounds: fc.integer({ min: 0, max: 5 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(points, settings, (pairs, { enumerationMaxPoints, rounds, seed }) => {
        const x = pairs.map(([first]) => first);
        const y = pairs.map(([, second]) => second);
        const options = { ...largeInputPath(rounds), enumerationMaxPoints, seed };
        if (new Set(x.map((value) => value + 0)).size < 2) {
          expect(theilSen(x, y, options)).toBeNull();
          return;
        }
        const expected = bruteForceMedianSlope(x, y);
        expect(theilSen(x, y)?.slope).toBe(expected);
        expect(theilSen(x, y, options)?.slope).toBe(expected);
      }),
      { seed: 2024, numRuns: 400 },
    );
  });

  it('selects any rank exactly on well-scaled data without falling back to listing', () => {
    const timestamp = fc.integer({ min: 0, max: 30 }).map((minute) => 1.7e12 + 60000 * minute);
    const metric = fc.oneof(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: -100000, max: 100000 }).map((v) => v / 1000),
    );
    const points = fc.array(fc.tuple(timestamp, metric), { minLength: 2, maxLength: 40 });
    fc.assert(
      fc.property(
        points,
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.nat(),
        (pairs, where, seed) => {
          const prepared = prepareSlopePoints(
            pairs.map(([time]) => time),
            pairs.map(([, value]) => value),
          );
          if (prepared.pairCount === 0) return;
          const all = allPairSlopes(prepared.x, prepared.y);
          const rank = Math.floor(where * all.length);
          const pinnedListingBudget = seed % 2 === 0 ? 0 : 1000;
          const tuning = {
            windowBudget: 10,
            sampleSize: 7,
            maxSamplingRounds: seed % 4,
            pinnedListingBudget,
          };
          const [selected] = selectSlopeRanks(prepared, rank, rank, mulberry32(seed), tuning);
          // −0 and 0 are the same slope; compare them as equal.
          expect((selected as number) + 0).toBe((all[rank] as number) + 0);
        },
      ),
      { seed: 77, numRuns: 300 },
    );
  });

  it('equals the brute-force median across the default enumeration threshold', () => {
    let state = 11;
    const next = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    for (const n of [1500, 1501, 2600]) {
      // Timestamps in milliseconds with repeats, integer-valued metrics: the shape afterburn feeds in.
      const x = Float64Array.from({ length: n }, () => 1.7e12 + 60000 * Math.floor(next() * n * 0.8));
      const y = Float64Array.from({ length: n }, (_, i) => Math.round(50 + 0.01 * i + 20 * next()));
      const result = theilSen(x, y);
      expect(result?.slope, `n = ${n}`).toBe(bruteForceMedianSlope(x, y));
    }
  });

  it('returns the same slope for any seed, and counts pairs with distinct x', () => {
    const x = Array.from({ length: 60 }, (_, i) => Math.floor(i / 3));
    const y = x.map((value, i) => Math.sin(i) * 10 + value);
    const slopes = [1, 2, 3, 4].map((seed) => theilSen(x, y, { ...largeInputPath(12), seed })?.slope);
    expect(new Set(slopes).size).toBe(1);
    expect(theilSen(x, y)?.pairs).toBe((60 * 59) / 2 - 20 * 3);
  });

  it('handles exactly linear data, constant data and heavy slope ties on the large-input path', () => {
    const x = Array.from({ length: 40 }, (_, i) => i);
    const linear = x.map((value) => 3 * value + 1);
    expect(theilSen(x, linear, pinnedShortcutPath(12))).toMatchObject({ slope: 3, intercept: 1 });
    expect(theilSen(x, new Array(40).fill(7), pinnedShortcutPath(0))).toMatchObject({
      slope: 0,
      intercept: 7,
    });
    // Mostly equal integer metrics: over half the slopes are exactly 0.
    const steps = x.map((value) => (value % 7 === 0 ? value : 5));
    expect(theilSen(x, steps, pinnedShortcutPath(3))?.slope).toBe(bruteForceMedianSlope(x, steps));
  });

  it('returns null without two distinct x and rejects non-finite points', () => {
    expect(theilSen([], [])).toBeNull();
    expect(theilSen([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(theilSen([0, -0], [1, 2])).toBeNull();
    expect(() => theilSen([1, 2], [1, Number.NaN])).toThrow(RangeError);
    expect(() => theilSen([1, Number.POSITIVE_INFINITY], [1, 2])).toThrow(RangeError);
    expect(() => theilSen([1, 2], [1])).toThrow(RangeError);
  });

  it('selects the median slope of 300,000 points without enumerating the pairs', () => {
    let state = 5;
    const next = () => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    const n = 300_000;
    const x = Float64Array.from({ length: n }, (_, i) => 1.7e12 + 1000 * i + Math.floor(next() * 4) * 1000);
    const y = Float64Array.from({ length: n }, (_, i) => 1e-6 * i + next());
    // Speed is measured by `npm run bench:stats`, never asserted here.
    const result = theilSen(x, y, { exactMaxPoints: Number.POSITIVE_INFINITY });
    expect(result?.method).toBe('exact');
    expect(result?.pairs).toBeGreaterThan(4e10);
    expect(result?.slope).toBeGreaterThan(0);
  });
});
