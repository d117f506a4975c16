import { describe, expect, it } from 'vitest';
import {
  EXACT_MAX_N,
  exactTailProbabilities,
  inversionLowerCumulative,
  kendallVariance,
  mannKendall,
  normalTailProbabilities,
} from '../../src/stats/mann-kendall.js';
import reference from './fixtures/kendall-exact-reference.json' with { type: 'json' };

/** Written by scripts/kendall-exact-reference.ts: exact BigInt tails, and brute-force counts for n = 4..9. */
const UPPER_TAIL = reference.upper_tail as unknown as Record<string, [number, number][]>;
const BRUTE_FORCE = reference.brute_force_counts as Record<string, number[]>;

const relativeError = (actual: number, expected: number) => Math.abs(actual / expected - 1);
const pairs = (n: number) => (n * (n - 1)) / 2;
const indices = (length: number) => Array.from({ length }, (_, i) => i);

/** 0..n−1 with the first `swaps` disjoint adjacent pairs exchanged: exactly `swaps` inversions. */
function withInversions(n: number, swaps: number): number[] {
  const values = indices(n);
  for (let i = 0; i < swaps; i++) [values[2 * i], values[2 * i + 1]] = [2 * i + 1, 2 * i];
  return values;
}

describe('statistics Mann–Kendall exact tails against the BigInt reference', () => {
  it('matches every reference tail for n = 2..50 to 1e-12 relative, both sides', () => {
    const ns = Object.keys(UPPER_TAIL).map(Number);
    expect(ns).toEqual(indices(EXACT_MAX_N - 1).map((i) => i + 2));
    for (const n of ns) {
      for (const [s, expected] of UPPER_TAIL[n] as [number, number][]) {
        const tails = exactTailProbabilities(n, s);
        expect(relativeError(tails.pIncreasing, expected), `n=${n} S=${s}`).toBeLessThan(1e-12);
        // The null distribution of S is symmetric: P(S' <= −s) = P(S' >= s).
        expect(relativeError(exactTailProbabilities(n, -s).pDecreasing, expected)).toBeLessThan(1e-12);
      }
    }
  });

  it('gives each permutation count of the brute-force enumeration (n = 4..9)', () => {
    for (const [nText, counts] of Object.entries(BRUTE_FORCE)) {
      const n = Number(nText);
      let factorial = 1;
      for (let k = 2; k <= n; k++) factorial *= k;
      const cumulative = inversionLowerCumulative(n);
      let below = 0;
      counts.forEach((count, inversions) => {
        below += count;
        expect(Math.round((cumulative[inversions] as number) * factorial)).toBe(below);
      });
      expect(below).toBe(factorial);
    }
  });

  it("agrees with values printed in Kendall's table (Rank Correlation Methods, Appendix Table 1)", () => {
    // [n, S, printed P(S >= s)]; each also checked against the brute-force counts by the script.
    const printed: [number, number, number][] = [
      [4, 6, 0.042],
      [5, 8, 0.042],
      [6, 9, 0.068],
      [8, 14, 0.054],
      [8, 12, 0.089],
      [9, 18, 0.038],
      [10, 19, 0.054],
    ];
    for (const [n, s, value] of printed) {
      expect(Math.abs(exactTailProbabilities(n, s).pIncreasing - value), `n=${n} S=${s}`).toBeLessThan(5e-4);
    }
  });
});

describe('statistics Mann–Kendall choice of method', () => {
  const tailOf = (n: number, s: number) =>
    (UPPER_TAIL[n] as [number, number][]).find(([kept]) => kept === s)?.[1] as number;

  it('uses the exact tail up to n = 50 and the normal one from n = 51', () => {
    const n = EXACT_MAX_N;
    const rising = mannKendall(indices(n), withInversions(n, 5));
    expect(rising).toMatchObject({ n, s: pairs(n) - 10, method: 'exact' });
    expect(relativeError(rising.pIncreasing, tailOf(n, pairs(n) - 10))).toBeLessThan(1e-12);
    const falling = mannKendall(
      indices(n),
      withInversions(n, 5).map((v) => -v),
    );
    expect(falling.s).toBe(10 - pairs(n));
    expect(relativeError(falling.pDecreasing, tailOf(n, pairs(n) - 10))).toBeLessThan(1e-12);

    const beyond = n + 1;
    // A weak trend, where the normal and the exact tails differ visibly.
    const values = indices(beyond).map((i) => (i * 37) % beyond);
    const result = mannKendall(indices(beyond), values);
    expect(result.method).toBe('normal');
    const normal = normalTailProbabilities(result.s, kendallVariance(beyond, [], []));
    expect(result.pDecreasing).toBe(normal.pDecreasing);
    expect(result.pIncreasing).toBe(normal.pIncreasing);
    const exact = exactTailProbabilities(beyond, result.s);
    expect(result.pIncreasing).not.toBe(exact.pIncreasing);
  });

  it('uses the tie-corrected normal tail for a small sample with ties', () => {
    const values = [9, 8, 8, 7, 5, 6, 4, 3];
    const result = mannKendall(indices(8), values);
    expect(result.method).toBe('normal');
    expect(result.varS).toBe(kendallVariance(8, [], [2]));
    expect(result.varS).toBeLessThan(kendallVariance(8, [], []));
    expect(result.pDecreasing).toBe(normalTailProbabilities(result.s, result.varS).pDecreasing);
  });
});
