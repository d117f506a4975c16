/**
 * In-place order-statistic selection on Float64Arrays (Hoare's quickselect with
 * median-of-three pivots). Used where a full sort of a million slopes would be
 * wasted work.
 */

function swap(values: Float64Array, first: number, second: number): void {
  const held = values[first] as number;
  values[first] = values[second] as number;
  values[second] = held;
}

/**
 * Rearranges values[from..to) so that values[k] holds the k-th smallest
 * (0-based), everything before it is <= and everything after it is >=.
 * Returns that value. NaN must not be present.
 */
export function selectInPlace(values: Float64Array, k: number, from = 0, to = values.length): number {
  if (k < from || k >= to) throw new RangeError(`rank ${k} outside [${from}, ${to})`);
  let low = from;
  let high = to - 1;
  while (high > low) {
    const middle = (low + high) >>> 1;
    // Median of three keeps sorted and reverse-sorted inputs linear.
    if ((values[middle] as number) < (values[low] as number)) swap(values, middle, low);
    if ((values[high] as number) < (values[low] as number)) swap(values, high, low);
    if ((values[high] as number) < (values[middle] as number)) swap(values, high, middle);
    const pivot = values[middle] as number;
    let left = low;
    let right = high;
    while (left <= right) {
      while ((values[left] as number) < pivot) left++;
      while ((values[right] as number) > pivot) right--;
      if (left <= right) {
        swap(values, left, right);
        left++;
        right--;
      }
    }
    if (k <= right) high = right;
    else if (k >= left) low = left;
    else break;
  }
  return values[k] as number;
}

/** Usual median (mean of the two middle values for an even count); reorders `values`. */
export function medianInPlace(values: Float64Array): number {
  const count = values.length;
  if (count === 0) return Number.NaN;
  const upperMiddle = count >> 1;
  const upper = selectInPlace(values, upperMiddle);
  if (count % 2 === 1) return upper;
  // After selection everything left of upperMiddle is <= it, so the lower middle is their maximum.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < upperMiddle; i++) if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}
