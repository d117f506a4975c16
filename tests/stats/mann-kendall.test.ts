import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXACT_MAX_N,
  exactTailProbabilities,
  inversionLowerCumulative,
  kendallVariance,
  mannKendall,
  minimumAchievablePDecreasing,
  normalTailProbabilities,
} from '../../src/stats/mann-kendall.js';
import { BOGRA_MONTHLY_RAINFALL } from './fixtures/bogra-rainfall.js';
import { KENDALL_UPPER_TAIL_TABLE } from './fixtures/kendall-table.js';

const indexTimes = (length: number) => Array.from({ length }, (_, i) => i);

/** P(S' >= s) for n untied points: the upper-tail probability Kendall's tables list. */
const upperTail = (n: number, s: number) => exactTailProbabilities(n, s).pIncreasing;

function probabilityMass(n: number): Float64Array {
  const cumulative = inversionLowerCumulative(n);
  return cumulative.map((value, k) => value - (k === 0 ? 0 : (cumulative[k - 1] as number)));
}

describe('statistics Mann–Kendall exact null distribution', () => {
  it('matches the Mahonian numbers (OEIS A008302)', () => {
    // Row n=4 of A008302 is 1,3,5,6,5,3,1 (sum 4! = 24): S = 6 needs 0 inversions.
    expect(upperTail(4, 6)).toBeCloseTo(1 / 24, 15);
    // Row n=5 is 1,4,9,15,20,22,...: P(S >= 8) = (1+4)/120, P(S >= 6) = (1+4+9)/120.
    expect(upperTail(5, 8)).toBeCloseTo(5 / 120, 15);
    expect(upperTail(5, 6)).toBeCloseTo(14 / 120, 15);
    // Row n=10 starts 1, 9, 44, 155, 440, 1068; S = 45 − 2·inversions, 10! = 3628800.
    const rowTen = [1, 9, 44, 155, 440, 1068];
    let count = 0;
    rowTen.forEach((permutations, inversions) => {
      count += permutations;
      expect(upperTail(10, 45 - 2 * inversions) / (count / 3628800) - 1).toBeLessThan(1e-13);
    });
  });

  it("reproduces Kendall's table of P(S >= s) (Kendall 1975; Gilbert 1987, Table A18)", () => {
    for (const [nText, column] of Object.entries(KENDALL_UPPER_TAIL_TABLE)) {
      const n = Number(nText);
      const firstS = ((n * (n - 1)) / 2) % 2;
      column.forEach((printed, k) => {
        const s = firstS + 2 * k;
        // Printed to 3 decimals, or 2 significant digits below 0.01 (a few entries truncated, not rounded).
        const tolerance = printed >= 0.01 ? 0.0006 : printed * 0.05;
        expect(Math.abs(upperTail(n, s) - printed), `n=${n} S=${s}`).toBeLessThanOrEqual(tolerance);
      });
    }
  });

  it('sums to one and is symmetric for every n up to EXACT_MAX_N', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: EXACT_MAX_N }), (n) => {
        const mass = probabilityMass(n);
        const total = mass.reduce((sum, value) => sum + value, 0);
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
        const maxPairs = (n * (n - 1)) / 2;
        // Symmetry is checked in the tails, where it is informative and the masses are computed directly.
        for (let k = 0; k <= Math.min(20, maxPairs); k++) {
          expect(
            Math.abs(
              exactTailProbabilities(n, maxPairs - 2 * k).pIncreasing /
                exactTailProbabilities(n, 2 * k - maxPairs).pDecreasing -
                1,
            ),
          ).toBeLessThan(1e-12);
        }
      }),
      { seed: 99, numRuns: 49 },
    );
    expect(minimumAchievablePDecreasing(EXACT_MAX_N) * 3.0414093201713376e64).toBeCloseTo(1, 10);
  });

  it('agrees with the continuity-corrected normal approximation around n = 40', () => {
    fc.assert(
      fc.property(fc.integer({ min: 36, max: 44 }), fc.nat(), (n, seed) => {
        const maxPairs = (n * (n - 1)) / 2;
        const s = maxPairs - 2 * (seed % (maxPairs + 1));
        const exact = exactTailProbabilities(n, s);
        const approximate = normalTailProbabilities(s, kendallVariance(n, [], []));
        expect(Math.abs(exact.pDecreasing - approximate.pDecreasing)).toBeLessThan(0.002);
        expect(Math.abs(exact.pIncreasing - approximate.pIncreasing)).toBeLessThan(0.002);
      }),
      { seed: 40, numRuns: 300 },
    );
  });
});

describe('statistics Mann–Kendall test', () => {
  it('reproduces the worked example with a tie (Little, "A Mann-Kendall Example (By Hand)", Holy Cross)', () => {
    // mathcs.holycross.edu/~little/Montserrat/MannKendallByHand.txt: S = 54,
    // V = 14·13·33/18 − 2·1·9/18, Z = (S − 1)/√V ≈ 2.9058, one-sided p ≈ .0018.
    const series = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7];
    const result = mannKendall(indexTimes(series.length), series);
    expect(result.s).toBe(54);
    expect(result.varS).toBeCloseTo((14 * 13 * 33 - 2 * 1 * 9) / 18, 10);
    expect(result.z).toBeCloseTo(2.9058, 4);
    expect(result.pIncreasing).toBeCloseTo(0.0018, 4);
    expect(result.method).toBe('normal');
  });

  it("reproduces pyMannKendall's original_test on the Bogra monthly rainfall series", () => {
    // tests/test_pymannkendall.py in github.com/mmhs013/pyMannKendall asserts s = -1959,
    // var_s = 4889800.333333333, z = -0.8854562842589916, two-sided p = 0.37591058740506833.
    const result = mannKendall(indexTimes(BOGRA_MONTHLY_RAINFALL.length), BOGRA_MONTHLY_RAINFALL);
    expect(result.n).toBe(353);
    expect(result.s).toBe(-1959);
    expect(result.varS).toBeCloseTo(4889800.333333333, 6);
    expect(result.z).toBeCloseTo(-0.8854562842589916, 12);
    expect(result.pTwoSided / 0.37591058740506833 - 1).toBeLessThan(1e-12);
    expect(result.pDecreasing).toBeCloseTo(0.37591058740506833 / 2, 12);
  });

  it('matches the exact permutation variance of S when both coordinates have ties', () => {
    const smallTiedSeries = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
      {
        minLength: 3,
        maxLength: 7,
      },
    );
    fc.assert(
      fc.property(smallTiedSeries, (pairs) => {
        const times = pairs.map(([time]) => time);
        const values = pairs.map(([, value]) => value);
        const reported = mannKendall(times, values).varS;
        expect(reported).toBeCloseTo(permutationVarianceOfS(times, values), 9);
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('finds a strictly decreasing series of 12 points significant and an increasing or flat one not', () => {
    const decreasing = mannKendall(
      indexTimes(12),
      indexTimes(12).map((i) => 100 - 3 * i),
    );
    expect(decreasing.method).toBe('exact');
    expect(decreasing.s).toBe(-66);
    expect(decreasing.pDecreasing).toBeLessThan(0.05);
    expect(decreasing.pDecreasing).toBeCloseTo(1 / 479001600, 20);
    expect(
      mannKendall(
        indexTimes(12),
        indexTimes(12).map((i) => i * i),
      ).pDecreasing,
    ).toBeGreaterThanOrEqual(0.5);
    const alternating = indexTimes(12).map((i) => (i % 2 === 0 ? 1 : 2));
    const flat = mannKendall(indexTimes(12), alternating);
    expect(flat.s).toBe(6);
    expect(flat.pDecreasing).toBeGreaterThanOrEqual(0.5);
  });

  it('gives p = 1 for a constant series and for fewer than two points', () => {
    const constant = mannKendall(indexTimes(20), new Array(20).fill(3));
    expect(constant).toMatchObject({ s: 0, varS: 0, z: 0, pDecreasing: 1, pIncreasing: 1, pTwoSided: 1 });
    expect(mannKendall([], [])).toMatchObject({ n: 0, s: 0, pDecreasing: 1, pIncreasing: 1, pTwoSided: 1 });
    expect(mannKendall([1], [2])).toMatchObject({ n: 1, s: 0, pTwoSided: 1 });
    expect(mannKendall([4, 4, 4], [1, 2, 3])).toMatchObject({ s: 0, varS: 0, pTwoSided: 1 });
  });

  it('uses the exact distribution only for small untied samples', () => {
    expect(mannKendall(indexTimes(EXACT_MAX_N), indexTimes(EXACT_MAX_N)).method).toBe('exact');
    expect(mannKendall(indexTimes(EXACT_MAX_N + 1), indexTimes(EXACT_MAX_N + 1)).method).toBe('normal');
    expect(mannKendall([1, 2, 3, 4], [1, 1, 2, 3]).method).toBe('normal');
    expect(mannKendall([1, 1, 3, 4], [1, 2, 3, 4]).method).toBe('normal');
  });

  it('reports the smallest achievable one-sided p', () => {
    expect(minimumAchievablePDecreasing(1)).toBe(1);
    expect(minimumAchievablePDecreasing(2)).toBeCloseTo(0.5, 15);
    expect(minimumAchievablePDecreasing(5)).toBeCloseTo(1 / 120, 15);
    expect(minimumAchievablePDecreasing(3)).toBeGreaterThan(0.05);
    expect(minimumAchievablePDecreasing(4)).toBeLessThan(0.05);
    for (let n = 2; n < 80; n++) {
      if (n === EXACT_MAX_N) continue; // exact 1/n! below, the normal tail above: both far under any alpha
      expect(minimumAchievablePDecreasing(n + 1)).toBeLessThan(minimumAchievablePDecreasing(n));
    }
    expect(minimumAchievablePDecreasing(EXACT_MAX_N + 1)).toBeLessThan(1e-20);
    const decreasing = indexTimes(8).map((i) => -i);
    expect(mannKendall(indexTimes(8), decreasing).pDecreasing).toBe(minimumAchievablePDecreasing(8));
  });
});

/** Variance of S over all n! equally likely pairings of the values with the times. */
function permutationVarianceOfS(times: number[], values: number[]): number {
  const n = times.length;
  let count = 0;
  let sum = 0;
  let sumOfSquares = 0;
  const permute = (arranged: number[], remaining: number[]) => {
    if (remaining.length === 0) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          s +=
            Math.sign((times[j] as number) - (times[i] as number)) *
            Math.sign((arranged[j] as number) - (arranged[i] as number));
        }
      }
      count++;
      sum += s;
      sumOfSquares += s * s;
      return;
    }
    remaining.forEach((value, index) => {
      permute(
        [...arranged, value],
        remaining.filter((_, other) => other !== index),
      );
    });
  };
  permute([], values);
  const mean = sum / count;
  return sumOfSquares / count - mean * mean;
}
