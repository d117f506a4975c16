/**
 * A "slope window": the pairs whose slope lies in [θ₁, θ₂], handled without
 * listing them. Each point maps to the line u(θ) = y − θ·x; two points swap
 * order in u exactly when θ passes their pair's slope. So ordering the points
 * by u at θ₁ and at θ₂, the pairs inside the window are the inversions between
 * the two orders, which Fenwick trees count and sample in O(n log n) and merge
 * sort lists in O(n log n + pairs) (Matoušek 1991; Dillencourt, Mount &
 * Netanyahu 1992).
 */
import { argsortByKey } from './argsort.js';
import { comparisonMargin, type SlopePoints } from './slope-points.js';

export interface SlopeWindow {
  /** Slopes >= safeLower and <= safeUpper are guaranteed to be classified as inside. */
  safeLower: number;
  safeUpper: number;
  /** Pairs (distinct x) classified below the window. */
  below: number;
  /** Pairs classified inside the window. */
  inside: number;
  /** Points ordered by u at the lower edge. */
  lowerOrder: Uint32Array;
  /** Point at each position of the upper-edge order. */
  upperOrder: Uint32Array;
  /** For each position of lowerOrder, that point's position in upperOrder. */
  upperPositions: Uint32Array;
  /** insideBefore[p] = window pairs whose later point (in lowerOrder) sits before position p. */
  insideBefore: Float64Array;
}

class FenwickCounter {
  private readonly tree: Int32Array;
  private readonly highestPowerOfTwo: number;

  constructor(private readonly size: number) {
    this.tree = new Int32Array(size + 1);
    let power = 1;
    while (power * 2 <= size) power *= 2;
    this.highestPowerOfTwo = power;
  }

  add(slot: number): void {
    for (let i = slot + 1; i <= this.size; i += i & -i) this.tree[i] = (this.tree[i] as number) + 1;
  }

  /** Number of added slots < slot. */
  countBelow(slot: number): number {
    let total = 0;
    for (let i = slot; i > 0; i -= i & -i) total += this.tree[i] as number;
    return total;
  }

  /** The added slot of 0-based order `rank` among all added slots. */
  slotOfRank(rank: number): number {
    let position = 0;
    let remaining = rank;
    for (let step = this.highestPowerOfTwo; step > 0; step >>= 1) {
      const next = position + step;
      if (next <= this.size && (this.tree[next] as number) <= remaining) {
        position = next;
        remaining -= this.tree[next] as number;
      }
    }
    return position;
  }
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for splitting a double into two halves

/**
 * y − θ·x as an unevaluated sum hi + lo (Dekker's exact product, Knuth's
 * two-sum), so comparing two points is off by ~ε² rather than ε; with
 * timestamps for x a plain double would misorder pairs whose slopes differ
 * by far more than rounding.
 */
function offsetKeys(points: SlopePoints, theta: number): { hi: Float64Array; lo: Float64Array } | null {
  const { n, x, y } = points;
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  const thetaSplit = SPLITTER * theta;
  const thetaHigh = thetaSplit - (thetaSplit - theta);
  const thetaLow = theta - thetaHigh;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const product = theta * xi;
    const xSplit = SPLITTER * xi;
    const xHigh = xSplit - (xSplit - xi);
    const xLow = xi - xHigh;
    const productError = thetaHigh * xHigh - product + thetaHigh * xLow + thetaLow * xHigh + thetaLow * xLow;
    const yi = y[i] as number;
    const sum = yi - product;
    const virtual = sum - yi;
    const sumError = yi - (sum - virtual) - (product + virtual);
    const tail = sumError - productError;
    const high = sum + tail;
    const low = tail - (high - sum);
    if (!Number.isFinite(high) || !Number.isFinite(low)) return null;
    hi[i] = high;
    lo[i] = low;
  }
  return { hi, lo };
}

/**
 * Orders points by u(θ) = y − θ·x, ties broken by x (ascending at a lower
 * edge, descending at an upper edge, so pairs whose slope is exactly θ count
 * as inside), then by y and index, which keeps equal-x pairs from swapping.
 */
function orderAt(points: SlopePoints, theta: number, xDirection: 1 | -1): Uint32Array | null {
  const { n, x, y } = points;
  let hi: Float64Array;
  let lo: Float64Array;
  if (theta === Number.NEGATIVE_INFINITY || theta === Number.POSITIVE_INFINITY) {
    // In the limit u orders by x alone (ascending at −∞, descending at +∞).
    hi = theta < 0 ? x : x.map((value) => -value);
    lo = new Float64Array(n);
  } else {
    const keys = offsetKeys(points, theta);
    if (!keys) return null;
    hi = keys.hi;
    lo = keys.lo;
  }
  // Equal hi words are rare (ties in u, or equal x at the infinite edges); only those reach the comparator.
  return argsortByKey(
    hi,
    (a, b) =>
      (lo[a] as number) - (lo[b] as number) ||
      xDirection * ((x[a] as number) - (x[b] as number)) ||
      (y[a] as number) - (y[b] as number) ||
      a - b,
  );
}

function edgeTheta(points: SlopePoints, safeValue: number, direction: 1 | -1): number {
  if (!Number.isFinite(safeValue)) return safeValue;
  return safeValue + direction * comparisonMargin(points, safeValue);
}

/** Classifies all pairs against [safeLower, safeUpper]; null when the data cannot be ordered at these slopes. */
export function evaluateWindow(
  points: SlopePoints,
  safeLower: number,
  safeUpper: number,
): SlopeWindow | null {
  const { n, xRanks, distinctX } = points;
  const lowerOrder = orderAt(points, edgeTheta(points, safeLower, -1), 1);
  const upperOrder = orderAt(points, edgeTheta(points, safeUpper, 1), -1);
  if (!lowerOrder || !upperOrder) return null;
  const positionInUpper = new Uint32Array(n);
  for (let position = 0; position < n; position++) positionInUpper[upperOrder[position] as number] = position;

  const upperPositions = new Uint32Array(n);
  const insideBefore = new Float64Array(n + 1);
  const swapped = new FenwickCounter(n);
  const xSeen = new FenwickCounter(distinctX);
  let below = 0;
  for (let position = 0; position < n; position++) {
    const point = lowerOrder[position] as number;
    const upperPosition = positionInUpper[point] as number;
    upperPositions[position] = upperPosition;
    // Earlier points that come later at the upper edge: their pair slopes lie inside the window.
    insideBefore[position + 1] =
      (insideBefore[position] as number) + position - swapped.countBelow(upperPosition);
    swapped.add(upperPosition);
    // Earlier points with larger x: the pair's slope lies below the lower edge.
    const xRank = xRanks[point] as number;
    below += position - xSeen.countBelow(xRank + 1);
    xSeen.add(xRank);
  }
  return {
    safeLower,
    safeUpper,
    below,
    inside: insideBefore[n] as number,
    lowerOrder,
    upperOrder,
    upperPositions,
    insideBefore,
  };
}

function pairSlope(points: SlopePoints, first: number, second: number): number {
  return (
    ((points.y[second] as number) - (points.y[first] as number)) /
    ((points.x[second] as number) - (points.x[first] as number))
  );
}

/** Slopes of `count` pairs drawn uniformly (with replacement) from the window, sorted ascending. */
export function sampleWindowSlopes(
  points: SlopePoints,
  window: SlopeWindow,
  count: number,
  drawIndex: (upperExclusive: number) => number,
): Float64Array {
  const { n } = points;
  const picks = new Float64Array(count);
  for (let i = 0; i < count; i++) picks[i] = drawIndex(window.inside);
  picks.sort();
  const slopes = new Float64Array(count);
  let kept = 0;
  const seen = new FenwickCounter(n);
  let position = 0;
  for (let i = 0; i < count; i++) {
    const pick = picks[i] as number;
    // Advance to the position whose block of inside pairs holds this pick.
    while ((window.insideBefore[position + 1] as number) <= pick) {
      seen.add(window.upperPositions[position] as number);
      position++;
    }
    const offset = pick - (window.insideBefore[position] as number);
    const upperPosition = window.upperPositions[position] as number;
    const partnerUpperPosition = seen.slotOfRank(seen.countBelow(upperPosition) + offset);
    const later = window.lowerOrder[position] as number;
    const earlier = window.upperOrder[partnerUpperPosition] as number;
    if (points.x[later] !== points.x[earlier]) slopes[kept++] = pairSlope(points, earlier, later);
  }
  return slopes.subarray(0, kept).sort();
}

/**
 * Every slope inside the window, via merge sort of upperPositions listing each
 * inversion as it is resolved. Null if any listed pair contradicts the
 * classification (equal x, or an order reversed the wrong way), which only
 * rounding beyond the margin could cause.
 */
export function enumerateWindowSlopes(points: SlopePoints, window: SlopeWindow): Float64Array | null {
  const { n } = points;
  const slopes = new Float64Array(window.inside);
  let written = 0;
  let source = new Uint32Array(n);
  for (let i = 0; i < n; i++) source[i] = i;
  let target = new Uint32Array(n);
  const key = window.upperPositions;
  for (let width = 1; width < n; width *= 2) {
    for (let start = 0; start < n; start += 2 * width) {
      const middle = Math.min(start + width, n);
      const end = Math.min(start + 2 * width, n);
      let left = start;
      let right = middle;
      let out = start;
      while (left < middle && right < end) {
        const rightPosition = source[right] as number;
        if ((key[rightPosition] as number) < (key[source[left] as number] as number)) {
          const later = window.lowerOrder[rightPosition] as number;
          for (let pending = left; pending < middle; pending++) {
            const earlier = window.lowerOrder[source[pending] as number] as number;
            if (!((points.x[earlier] as number) < (points.x[later] as number)) || written >= slopes.length)
              return null;
            slopes[written++] = pairSlope(points, earlier, later);
          }
          target[out++] = rightPosition;
          right++;
        } else {
          target[out++] = source[left++] as number;
        }
      }
      while (left < middle) target[out++] = source[left++] as number;
      while (right < end) target[out++] = source[right++] as number;
    }
    const swap = source;
    source = target;
    target = swap;
  }
  return written === slopes.length ? slopes : null;
}
