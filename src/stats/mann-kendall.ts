/**
 * Mann–Kendall trend test on (time, value) pairs: Kendall's S with an exact null
 * distribution for small untied samples and the tie-corrected normal
 * approximation otherwise.
 */
import { kendallS } from './kendall.js';
import { normalCdf } from './normal.js';

export interface MannKendallResult {
  n: number;
  /** Kendall's S over (time, value). */
  s: number;
  /** Variance of S under H0, corrected for ties in value and in time. */
  varS: number;
  /** Continuity-corrected standard score: (S∓1)/√varS, 0 when S or varS is 0. */
  z: number;
  /** One-sided p for "values decrease over time": P(S' <= S) under H0. */
  pDecreasing: number;
  /** One-sided p for "values increase over time": P(S' >= S) under H0. */
  pIncreasing: number;
  /** min(1, 2·min(pDecreasing, pIncreasing)). */
  pTwoSided: number;
  method: 'exact' | 'normal';
}

/** Largest n for which the exact permutation distribution is used; beyond it the normal tail is accurate enough. */
export const EXACT_MAX_N = 50;

export interface TailProbabilities {
  pDecreasing: number;
  pIncreasing: number;
}

const lowerCumulativeByN = new Map<number, Float64Array>();

/**
 * P(inversions <= k) for a uniformly random permutation of n items (Mahonian
 * numbers, OEIS A008302, divided by n!). Built by convolving in probability
 * space, one item at a time, so nothing overflows; every term is a sum of
 * positives, which keeps the far tails (down to 1/n!) accurate to a few ulps.
 */
export function inversionLowerCumulative(n: number): Float64Array {
  const cached = lowerCumulativeByN.get(n);
  if (cached) return cached;
  const maxInversions = (n * (n - 1)) / 2;
  let distribution = new Float64Array(maxInversions + 1);
  distribution[0] = 1;
  let currentMax = 0;
  for (let items = 2; items <= n; items++) {
    // The new item lands in one of `items` positions, adding 0..items-1 inversions.
    const nextMax = currentMax + items - 1;
    const next = new Float64Array(maxInversions + 1);
    const share = 1 / items;
    for (let inversions = 0; inversions <= nextMax; inversions++) {
      let total = 0;
      const from = Math.max(0, inversions - items + 1);
      const to = Math.min(inversions, currentMax);
      for (let previous = from; previous <= to; previous++) total += distribution[previous] as number;
      next[inversions] = total * share;
    }
    distribution = next;
    currentMax = nextMax;
  }
  const cumulative = new Float64Array(maxInversions + 1);
  let running = 0;
  for (let k = 0; k <= maxInversions; k++) {
    running += distribution[k] as number;
    cumulative[k] = Math.min(1, running);
  }
  lowerCumulativeByN.set(n, cumulative);
  return cumulative;
}

/**
 * Exact one-sided tails of S for n untied points. S = N − 2·inversions of the
 * value order, and the inversion distribution is symmetric, so P(inv >= k)
 * is read as P(inv <= N − k) — summed from the small end, never as 1 − x.
 */
export function exactTailProbabilities(n: number, s: number): TailProbabilities {
  const maxPairs = (n * (n - 1)) / 2;
  if (n < 2) return { pDecreasing: 1, pIncreasing: 1 };
  if (!Number.isInteger(s) || Math.abs(s) > maxPairs || (maxPairs - s) % 2 !== 0) {
    throw new RangeError(`S = ${s} is not attainable by ${n} untied points`);
  }
  const cumulative = inversionLowerCumulative(n);
  const inversions = (maxPairs - s) / 2;
  return {
    pDecreasing: cumulative[maxPairs - inversions] as number,
    pIncreasing: cumulative[inversions] as number,
  };
}

/** Normal tails with the usual ±1 continuity correction. */
export function normalTailProbabilities(s: number, varS: number): TailProbabilities {
  if (!(varS > 0)) return { pDecreasing: 1, pIncreasing: 1 };
  const sd = Math.sqrt(varS);
  return {
    pDecreasing: Math.min(1, normalCdf((s + 1) / sd)),
    pIncreasing: Math.min(1, normalCdf((1 - s) / sd)),
  };
}

function sumOver(groups: readonly number[], term: (size: number) => number): number {
  let total = 0;
  for (const size of groups) total += term(size);
  return total;
}

/**
 * Var(S) under H0 with ties in both coordinates (Kendall, Rank Correlation
 * Methods; the expression scipy.stats.kendalltau uses for tau-b). With no ties
 * in time it reduces to Gilbert's (n(n−1)(2n+5) − Σu(u−1)(2u+5)) / 18.
 */
export function kendallVariance(
  n: number,
  tieGroupsTime: readonly number[],
  tieGroupsValue: readonly number[],
): number {
  if (n < 2) return 0;
  const pairsTerm = (t: number) => t * (t - 1);
  const varianceTerm = (t: number) => t * (t - 1) * (2 * t + 5);
  const tripletTerm = (t: number) => t * (t - 1) * (t - 2);
  const v0 = n * (n - 1) * (2 * n + 5);
  const vt = sumOver(tieGroupsTime, varianceTerm);
  const vu = sumOver(tieGroupsValue, varianceTerm);
  const v1 = (sumOver(tieGroupsTime, pairsTerm) * sumOver(tieGroupsValue, pairsTerm)) / (2 * n * (n - 1));
  const v2 =
    n > 2
      ? (sumOver(tieGroupsTime, tripletTerm) * sumOver(tieGroupsValue, tripletTerm)) /
        (9 * n * (n - 1) * (n - 2))
      : 0;
  return Math.max(0, (v0 - vt - vu) / 18 + v1 + v2);
}

export function continuityCorrectedZ(s: number, varS: number): number {
  if (s === 0 || !(varS > 0)) return 0;
  return (s > 0 ? s - 1 : s + 1) / Math.sqrt(varS);
}

export function mannKendall(times: ArrayLike<number>, values: ArrayLike<number>): MannKendallResult {
  const kendall = kendallS(times, values);
  const { n, s } = kendall;
  if (n < 2) {
    return { n, s: 0, varS: 0, z: 0, pDecreasing: 1, pIncreasing: 1, pTwoSided: 1, method: 'exact' };
  }
  const varS = kendallVariance(n, kendall.tieGroupsTime, kendall.tieGroupsValue);
  const z = continuityCorrectedZ(s, varS);
  const untied = kendall.tieGroupsTime.length === 0 && kendall.tieGroupsValue.length === 0;
  const method = untied && n <= EXACT_MAX_N ? 'exact' : 'normal';
  const tails = method === 'exact' ? exactTailProbabilities(n, s) : normalTailProbabilities(s, varS);
  return {
    n,
    s,
    varS,
    z,
    pDecreasing: tails.pDecreasing,
    pIncreasing: tails.pIncreasing,
    pTwoSided: Math.min(1, 2 * Math.min(tails.pDecreasing, tails.pIncreasing)),
    method,
  };
}

/**
 * Smallest one-sided p a series of n untied points can reach (a perfectly
 * monotone series): 1/n! while the exact distribution is used, then the
 * normal tail mannKendall itself would report. When this is above the
 * significance level the test has no power and a "no trend" result must be
 * reported as inconclusive.
 */
export function minimumAchievablePDecreasing(n: number): number {
  if (!Number.isInteger(n) || n < 2) return 1;
  const maxPairs = (n * (n - 1)) / 2;
  if (n <= EXACT_MAX_N) return exactTailProbabilities(n, -maxPairs).pDecreasing;
  return normalTailProbabilities(-maxPairs, kendallVariance(n, [], [])).pDecreasing;
}
