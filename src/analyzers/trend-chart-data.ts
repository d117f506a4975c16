import { quantiles7 } from '../stats/index.js';

/**
 * Compact chart data for an efficiency trend: a few numbers per day and a histogram, so reports
 * can draw the series from the store without the store ever holding raw records.
 */
export interface DailySummary {
  /** UTC calendar day, YYYY-MM-DD. */
  readonly day: string;
  readonly n: number;
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

export const CACHE_RATIO_BINS = 10;

const DAY_MS = 86_400_000;

/** Per UTC day: n, median and quartiles (R type 7) of the values. Times must be ascending. */
export function dailySummaries(times: ArrayLike<number>, values: ArrayLike<number>): DailySummary[] {
  const days: DailySummary[] = [];
  let start = 0;
  while (start < times.length) {
    const day = Math.floor((times[start] as number) / DAY_MS);
    let end = start + 1;
    while (end < times.length && Math.floor((times[end] as number) / DAY_MS) === day) end += 1;
    // A plain copy loop: Float64Array.from with a mapper calls a function per value.
    const ofDay = new Float64Array(end - start);
    for (let i = 0; i < ofDay.length; i++) ofDay[i] = values[start + i] as number;
    const [q1, median, q3] = quantiles7(ofDay, [0.25, 0.5, 0.75], 'dailySummaries') as [
      number,
      number,
      number,
    ];
    days.push({ day: new Date(day * DAY_MS).toISOString().slice(0, 10), n: end - start, median, q1, q3 });
    start = end;
  }
  return days;
}

/** Counts of ratios in [0, 0.1), [0.1, 0.2), … [0.9, 1]. */
export function ratioHistogram(ratios: readonly number[]): number[] {
  const counts = new Array<number>(CACHE_RATIO_BINS).fill(0);
  for (const ratio of ratios) {
    const bin = Math.min(CACHE_RATIO_BINS - 1, Math.max(0, Math.floor(ratio * CACHE_RATIO_BINS)));
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}
