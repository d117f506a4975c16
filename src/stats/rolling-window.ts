import { quantile7 } from './quantiles.js';

/** A rate is the mean of 0/1 values; a percentile is R type 7 over the window. */
export type RollingAggregate = { readonly kind: 'share' } | { readonly kind: 'quantile'; readonly p: number };

/**
 * A sliding window of the last `size` values in a ring buffer of doubles. A share keeps an exact
 * integer count of non-zero values (O(1) per item, no float drift); a quantile keeps the window
 * sorted (binary-search insert and delete, O(size) per item instead of a sort). Typed arrays, so
 * pushing hundreds of thousands of items allocates nothing.
 */
export class RollingWindow {
  private readonly ring: Float64Array;
  private count = 0;
  private next = 0;
  private ones = 0;
  private readonly sorted: Float64Array | null;
  private sortedCount = 0;
  /** Every value pushed, and the non-zero ones among them: the whole series, not the window. */
  private pushed = 0;
  private pushedNonZero = 0;

  constructor(
    private readonly size: number,
    private readonly aggregate: RollingAggregate,
  ) {
    this.ring = new Float64Array(size);
    this.sorted = aggregate.kind === 'quantile' ? new Float64Array(size) : null;
  }

  push(value: number): void {
    this.pushed += 1;
    if (value !== 0) this.pushedNonZero += 1;
    if (this.count === this.size) {
      const leaving = this.ring[this.next] as number;
      this.ring[this.next] = value;
      this.next = (this.next + 1) % this.size;
      this.forget(leaving);
    } else {
      this.ring[this.count] = value;
      this.count += 1;
    }
    this.remember(value);
  }

  private remember(value: number): void {
    const sorted = this.sorted;
    if (sorted === null) {
      if (value !== 0) this.ones += 1;
      return;
    }
    const at = lowerBound(sorted, this.sortedCount, value);
    sorted.copyWithin(at + 1, at, this.sortedCount);
    sorted[at] = value;
    this.sortedCount += 1;
  }

  private forget(value: number): void {
    const sorted = this.sorted;
    if (sorted === null) {
      if (value !== 0) this.ones -= 1;
      return;
    }
    const at = lowerBound(sorted, this.sortedCount, value);
    sorted.copyWithin(at, at + 1, this.sortedCount);
    this.sortedCount -= 1;
  }

  get n(): number {
    return this.count;
  }

  /**
   * The aggregate over every value pushed, window or not: what a log shorter than the window can
   * still say. A share is always known; a quantile only while no value has left the window.
   */
  get wholeValue(): number | null {
    if (this.pushed === 0) return null;
    if (this.aggregate.kind === 'share') return this.pushedNonZero / this.pushed;
    if (this.pushed !== this.count) return null;
    return quantile7((this.sorted as Float64Array).subarray(0, this.sortedCount), this.aggregate.p);
  }

  get value(): number | null {
    if (this.count < this.size) return null;
    if (this.aggregate.kind === 'share') return this.ones / this.size;
    // Full window: `sorted` holds exactly `size` values.
    return quantile7(this.sorted as Float64Array, this.aggregate.p);
  }
}

/** First index below `length` whose value is not below `value` in an ascending array. */
function lowerBound(sorted: Float64Array, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
