/**
 * Point-set preparation shared by the Theil–Sen slope selection: validated
 * coordinates, x ranks and tie counts, and the numbers the rounding margin needs.
 */
import { assertSameLength, denseRanks, isNonDecreasing } from './kendall.js';

export interface SlopePoints {
  n: number;
  /** The validated coordinates (as Float64Arrays); every reported slope is computed from these exactly as brute force would. */
  x: Float64Array;
  y: Float64Array;
  /** Dense ranks of x, equal x sharing a rank. */
  xRanks: Uint32Array;
  distinctX: number;
  /** Number of pairs with distinct x: the population the median is taken over. */
  pairCount: number;
  maxAbsX: number;
  maxAbsY: number;
  /** (y range) / (x range): the scale slopes live on, against which rounding is judged negligible. */
  typicalSlope: number;
  /** Smallest positive gap between sorted distinct x values. */
  minXGap: number;
}

export function prepareSlopePoints(x: ArrayLike<number>, y: ArrayLike<number>): SlopePoints {
  assertSameLength(x, y, 'theilSen');
  const n = x.length;
  // Nothing here or in the selection writes to the coordinates, so Float64Arrays are not copied.
  const xs = x instanceof Float64Array ? x : Float64Array.from(x);
  const ys = y instanceof Float64Array ? y : Float64Array.from(y);
  let maxAbsX = 0;
  let maxAbsY = 0;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const xi = xs[i] as number;
    const yi = ys[i] as number;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) {
      throw new RangeError(`theilSen: point ${i} is not finite; filter such points out before calling`);
    }
    maxAbsX = Math.max(maxAbsX, Math.abs(xi));
    maxAbsY = Math.max(maxAbsY, Math.abs(yi));
    minY = Math.min(minY, yi);
    maxY = Math.max(maxY, yi);
  }
  const { ranks: xRanks, distinct: distinctX } = denseRanks(xs, 'theilSen x');
  // Series come in time order: then x is its own sorted copy.
  const sortedX = isNonDecreasing(xs) ? xs : xs.slice().sort();
  let minXGap = Number.POSITIVE_INFINITY;
  let pairCount = (n * (n - 1)) / 2;
  let runLength = 1;
  for (let i = 1; i <= n; i++) {
    const gap = i < n ? (sortedX[i] as number) - (sortedX[i - 1] as number) : Number.NaN;
    if (gap === 0) {
      runLength++;
      continue;
    }
    if (gap > 0 && gap < minXGap) minXGap = gap;
    pairCount -= (runLength * (runLength - 1)) / 2;
    runLength = 1;
  }
  const xRange = (sortedX[n - 1] ?? 0) - (sortedX[0] ?? 0);
  const yRange = n > 0 ? maxY - minY : 0;
  const typicalSlope = xRange > 0 ? yRange / xRange : 0;
  return { n, x: xs, y: ys, xRanks, distinctX, pairCount, maxAbsX, maxAbsY, typicalSlope, minXGap };
}

/**
 * How far (in slope units) a pair's rounded slope can sit from where the
 * ordering of y − θ·x files it. Ordering uses double-double keys, so its own
 * error is ~ε²·(|y| + |θx|) / Δx; the rounded slope (y₂−y₁)/(x₂−x₁) is within
 * 1.5ε of the true quotient because each operation rounds an exact result.
 * Both terms carry a safety factor of about 3.
 */
export function comparisonMargin(points: SlopePoints, theta: number): number {
  const magnitude = Math.abs(theta);
  const relativeError = 8 * Number.EPSILON * Number.EPSILON * (points.maxAbsY + magnitude * points.maxAbsX);
  // Products that land among the subnormals lose their exactness in absolute, not relative, terms.
  const underflowError = 8 * Number.MIN_VALUE;
  return (
    4 * Number.EPSILON * magnitude + (relativeError + underflowError) / points.minXGap + Number.MIN_VALUE
  );
}

/**
 * True when the rounding margin at this slope is negligible (a few dozen ulps
 * of the slopes' own scale), so a window pinned to one value may be reported
 * as that value without listing it.
 */
export function isFinelyResolved(points: SlopePoints, theta: number): boolean {
  const scale = Math.max(Math.abs(theta), points.typicalSlope);
  return comparisonMargin(points, theta) <= 64 * Number.EPSILON * scale;
}
