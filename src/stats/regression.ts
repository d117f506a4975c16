/** Ordinary least squares, kept beside Theil–Sen so reports can show both. */
import { linearRegression } from 'simple-statistics';
import { assertSameLength } from './kendall.js';

/** OLS slope of y on x; null when x has fewer than two distinct values (the slope is undefined). */
export function olsSlope(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  assertSameLength(x, y, 'olsSlope');
  const n = x.length;
  if (n < 2) return null;
  const first = x[0] as number;
  let distinct = false;
  const points: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) {
      throw new RangeError(`olsSlope: point ${i} is not finite; filter such points out before calling`);
    }
    if (xi !== first) distinct = true;
    points[i] = [xi, yi];
  }
  if (!distinct) return null;
  return linearRegression(points).m;
}

/** Sign of v, treating |v| <= epsilon as flat (0). NaN is treated as flat too. */
export function slopeSign(v: number, epsilon = 0): -1 | 0 | 1 {
  if (v > epsilon) return 1;
  if (v < -epsilon) return -1;
  return 0;
}
