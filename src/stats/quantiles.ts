/**
 * Order statistics with R's default definition (type 7: linear interpolation
 * between closest ranks), so numbers printed by afterburn can be checked
 * against R, numpy or a spreadsheet.
 */
import { mean } from 'simple-statistics';
import { selectInPlace } from './select.js';

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
  return quantiles7(values, [0.5], 'median')[0] as number;
}

export function summarize(values: number[]): Summary {
  const n = values.length;
  if (n === 0) return { n, p10: null, p50: null, p90: null, mean: null };
  const [p10, p50, p90] = quantiles7(values, [0.1, 0.5, 0.9], 'summarize');
  return { n, p10: p10 ?? null, p50: p50 ?? null, p90: p90 ?? null, mean: mean(values) };
}

/**
 * `quantile7` at each of `ps` (ascending), by selection instead of a sort: O(n) for a few
 * percentiles of hundreds of thousands of values. The same numbers to the bit as sorting first:
 * quantile7 reads only the values at two ranks, and equal values are the same double, except 0
 * and -0, which a sort orders and selection does not; a -0 among the values takes the sort.
 */
export function quantiles7(values: ArrayLike<number>, ps: readonly number[], context: string): number[] {
  assertNoNaN(values, context);
  const work = Float64Array.from(values);
  const n = work.length;
  if (n === 0) throw new RangeError(`${context}: no values`);
  if (work.some((value) => Object.is(value, -0))) {
    work.sort();
    return ps.map((p) => quantile7(work, p));
  }
  // Ranks in ascending order: each selection works only right of the rank selected before it.
  let selectedUpTo = -1;
  const select = (rank: number): void => {
    if (rank <= selectedUpTo) return;
    selectInPlace(work, rank, selectedUpTo + 1, n);
    selectedUpTo = rank;
  };
  let previous = 0;
  return ps.map((p) => {
    if (!(p >= previous && p <= 1)) throw new RangeError(`${context}: percentiles must ascend within [0, 1]`);
    previous = p;
    // quantile7 reads only the two ranks around the position, and both now hold their order statistic.
    const position = (n - 1) * p;
    select(Math.floor(position));
    select(Math.ceil(position));
    return quantile7(work, p);
  });
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
