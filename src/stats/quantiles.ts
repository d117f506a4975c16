/**
 * Order statistics with R's default definition (type 7: linear interpolation
 * between closest ranks), so numbers printed by afterburn can be checked
 * against R, numpy or a spreadsheet.
 */
import { mean } from 'simple-statistics';

export interface Summary {
  n: number;
  p10: number | null;
  p50: number | null;
  p90: number | null;
  mean: number | null;
}

function assertNoNaN(values: ArrayLike<number>, context: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]))
      throw new RangeError(`${context}: NaN at index ${i}; filter it out before calling`);
  }
}

function sortedCopy(values: ArrayLike<number>, context: string): Float64Array {
  assertNoNaN(values, context);
  return Float64Array.from(values).sort();
}

/**
 * R type-7 quantile of already-sorted values; p in [0, 1]. Throws on an empty input. Reads any
 * array-like in place (a sorted Float64Array is not copied), with simple-statistics'
 * quantileSorted arithmetic step for step, so results are identical to the bit.
 */
export function quantile7(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length;
  if (n === 0) throw new RangeError('quantile7: no values');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile7: p = ${p} is outside [0, 1]`);
  if (p === 1) return sortedValues[n - 1] as number;
  if (p === 0) return sortedValues[0] as number;
  const position = (n - 1) * p;
  if (position % 1 === 0) return sortedValues[position] as number;
  const lower = Math.floor(position);
  const below = sortedValues[lower] as number;
  return below + (position - lower) * ((sortedValues[Math.ceil(position)] as number) - below);
}

/** Usual median (mean of the middle two for an even count); null for no values. */
export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  return quantile7(sortedCopy(values, 'median'), 0.5);
}

export function summarize(values: number[]): Summary {
  const n = values.length;
  if (n === 0) return { n, p10: null, p50: null, p90: null, mean: null };
  const sorted = sortedCopy(values, 'summarize');
  return {
    n,
    p10: quantile7(sorted, 0.1),
    p50: quantile7(sorted, 0.5),
    p90: quantile7(sorted, 0.9),
    mean: mean(values),
  };
}

/**
 * Median of the first and of the last ceil(n/10) points: a blunt before/after
 * comparison that readers can verify by hand next to the trend test.
 */
export function decileMedians(valuesInTimeOrder: ArrayLike<number>): {
  first: number | null;
  last: number | null;
} {
  const n = valuesInTimeOrder.length;
  if (n === 0) return { first: null, last: null };
  const size = Math.ceil(n / 10);
  const head = Array.prototype.slice.call(valuesInTimeOrder, 0, size) as number[];
  const tail = Array.prototype.slice.call(valuesInTimeOrder, n - size) as number[];
  return { first: median(head), last: median(tail) };
}
