/** Ordinary least squares, kept beside Theil–Sen so reports can show both. */
import { assertSameLength } from './kendall.js';

/**
 * OLS slope of y on x; null when x has fewer than two distinct values (the slope is undefined).
 * simple-statistics' linearRegression wants one [x, y] array per point, which for a million
 * points is tens of megabytes of garbage; this runs its arithmetic (means first, then centred
 * cross products, in the same order) on the arrays as they are, so the slope is the same to the
 * bit (tested against linearRegression).
 */
export function olsSlope(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  assertSameLength(x, y, 'olsSlope');
  const n = x.length;
  if (n < 2) return null;
  const first = x[0] as number;
  let distinct = false;
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) {
      throw new RangeError(`olsSlope: point ${i} is not finite; filter such points out before calling`);
    }
    if (xi !== first) distinct = true;
    sumX += xi;
    sumY += yi;
  }
  if (!distinct) return null;
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sumXY = 0;
  let sumXX = 0;
  for (let i = 0; i < n; i++) {
    const deviationX = (x[i] as number) - meanX;
    sumXY += deviationX * ((y[i] as number) - meanY);
    sumXX += deviationX * deviationX;
  }
  return sumXY / sumXX;
}

/** Sign of v, treating |v| <= epsilon as flat (0). NaN is treated as flat too. */
export function slopeSign(v: number, epsilon = 0): -1 | 0 | 1 {
  if (v > epsilon) return 1;
  if (v < -epsilon) return -1;
  return 0;
}
