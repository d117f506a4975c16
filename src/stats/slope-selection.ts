/**
 * Exact selection of order statistics among all pairwise slopes without
 * listing the n² pairs. Each round samples slopes from the current window,
 * brackets the wanted ranks with a few standard errors of sample rank, and
 * re-counts; the window shrinks by about √sample each round until it holds
 * O(n) pairs, which are listed and selected exactly. Expected O(n log n).
 */
import { type RandomSource, randomIndex } from './random.js';
import { selectInPlace } from './select.js';
import { comparisonMargin, isFinelyResolved, type SlopePoints } from './slope-points.js';
import {
  enumerateWindowSlopes,
  evaluateWindow,
  type SlopeWindow,
  sampleWindowSlopes,
} from './slope-window.js';

export interface SlopeSelectionTuning {
  /** A window with at most this many pairs is listed outright. */
  windowBudget: number;
  /** Slopes sampled from the window per round. */
  sampleSize: number;
  /** Sampling rounds before falling back to bisection. */
  maxSamplingRounds: number;
  /**
   * A window pinned to a single slope value cannot be narrowed further; up to
   * this many pairs it is still listed, so near-equal slopes are told apart.
   */
  pinnedListingBudget: number;
}

export function defaultSlopeSelectionTuning(n: number): SlopeSelectionTuning {
  // Measured on 3·10^5 points: half-n samples and an 8n listing budget finish in two or three rounds.
  return {
    windowBudget: Math.max(8 * n, 4096),
    sampleSize: Math.max(Math.ceil(n / 2), 1024),
    maxSamplingRounds: 12,
    pinnedListingBudget: Math.max(8 * n, 5_000_000),
  };
}

/** A narrower window holding the ranks, or word that the two ranks fall on opposite sides of the cut. */
type SplitOutcome = { window: SlopeWindow } | { straddles: true } | null;

const BRACKET_SPREADS = [3, 6, 12] as const;
// Consecutive samples that fail to shrink the window before giving up on it (each is a fresh random draw).
const MAX_STALLED_STEPS = 24;

function containsRanks(window: SlopeWindow, firstRank: number, lastRank: number): boolean {
  return window.below <= firstRank && lastRank < window.below + window.inside;
}

/** Lists the window and returns the wanted ranks, or null when the listing cannot be trusted. */
function selectFromListing(
  points: SlopePoints,
  window: SlopeWindow,
  ranks: readonly number[],
): number[] | null {
  const slopes = enumerateWindowSlopes(points, window);
  if (!slopes) return null;
  const found: number[] = [];
  for (const rank of ranks) {
    const value = selectInPlace(slopes, rank - window.below);
    // Outside the safe bounds a pair could have been misfiled by rounding, so the rank would be unproven.
    if (!(value >= window.safeLower && value <= window.safeUpper)) return null;
    found.push(value);
  }
  return found;
}

/**
 * When a listed rank falls just outside the safe bounds (within rounding of
 * them), the same pairs listed from a window widened by that margin prove it.
 */
function selectFromWidenedListing(
  points: SlopePoints,
  window: SlopeWindow,
  ranks: readonly number[],
  listingBudget: number,
): number[] | null {
  const widen = (bound: number) => 2 * (Number.isFinite(bound) ? comparisonMargin(points, bound) : 0);
  const widened = evaluateWindow(
    points,
    window.safeLower - widen(window.safeLower),
    window.safeUpper + widen(window.safeUpper),
  );
  const firstRank = ranks[0] as number;
  const lastRank = ranks[ranks.length - 1] as number;
  if (!widened || !containsRanks(widened, firstRank, lastRank) || widened.inside > listingBudget) return null;
  return selectFromListing(points, widened, ranks);
}

function valueAt(sample: Float64Array, index: number, fallback: number): number {
  return index < 0 || index >= sample.length ? fallback : (sample[index] as number);
}

/** Sample-based bracket: narrow windows around where the ranks should fall in the sample. */
function tryNarrow(
  points: SlopePoints,
  window: SlopeWindow,
  sample: Float64Array,
  firstRank: number,
  lastRank: number,
): SlopeWindow | null {
  const size = sample.length;
  if (size === 0) return null;
  const firstFraction = (firstRank - window.below) / window.inside;
  const lastFraction = (lastRank + 1 - window.below) / window.inside;
  for (const spread of BRACKET_SPREADS) {
    const slack = spread * Math.sqrt(size) + 1;
    const lower = Math.max(
      window.safeLower,
      valueAt(sample, Math.floor(firstFraction * size - slack), window.safeLower),
    );
    const upper = Math.min(
      window.safeUpper,
      valueAt(sample, Math.ceil(lastFraction * size + slack), window.safeUpper),
    );
    if (!(lower <= upper)) continue;
    const candidate = evaluateWindow(points, lower, upper);
    if (candidate && containsRanks(candidate, firstRank, lastRank)) return candidate;
  }
  return null;
}

/**
 * Splits the window at a sampled slope and keeps the half holding the ranks.
 * Returns the single rank split off when the two ranks straddle the cut.
 */
function bisect(
  points: SlopePoints,
  window: SlopeWindow,
  cut: number,
  firstRank: number,
  lastRank: number,
): SplitOutcome {
  const lowerHalf = evaluateWindow(points, window.safeLower, cut);
  const upperHalf = evaluateWindow(points, cut, window.safeUpper);
  const holding = [lowerHalf, upperHalf].filter(
    (half): half is SlopeWindow => half !== null && containsRanks(half, firstRank, lastRank),
  );
  holding.sort((a, b) => a.inside - b.inside);
  if (holding[0]) return { window: holding[0] };
  if (lowerHalf && upperHalf && firstRank !== lastRank) return { straddles: true };
  return null;
}

/** Splits at the window's own bounds, for windows whose slopes sit on those two values. */
function splitAtBounds(
  points: SlopePoints,
  window: SlopeWindow,
  firstRank: number,
  lastRank: number,
): SplitOutcome {
  const halves = [window.safeLower, window.safeUpper]
    .filter((bound) => Number.isFinite(bound))
    .map((bound) => evaluateWindow(points, bound, bound));
  for (const half of halves) if (half && containsRanks(half, firstRank, lastRank)) return { window: half };
  const eachRankHeld = [firstRank, lastRank].every((rank) =>
    halves.some((half) => half && containsRanks(half, rank, rank)),
  );
  return firstRank !== lastRank && eachRankHeld ? { straddles: true } : null;
}

/** The sampled slope strictly inside the window's bounds closest to where `rank` should fall, if any. */
function bisectionCut(sample: Float64Array, window: SlopeWindow, rank: number): number | null {
  const target = Math.floor(((rank - window.below + 0.5) / window.inside) * sample.length);
  for (let distance = 0; distance < sample.length; distance++) {
    for (const index of [target - distance, target + distance]) {
      const value = sample[index];
      if (value !== undefined && value > window.safeLower && value < window.safeUpper) return value;
    }
  }
  return null;
}

/** Raised when rounding, not data, stops the window from shrinking; the caller may fall back to listing every pair. */
export class SlopeSelectionFailure extends Error {}

/** One step of narrowing: a smaller window, final values, or null when this sample made no progress. */
function narrowOnce(
  points: SlopePoints,
  window: SlopeWindow,
  sample: Float64Array,
  firstRank: number,
  lastRank: number,
  trySampling: boolean,
): SlopeWindow | { straddles: true } | null {
  const sampledValue = sample[0];
  if (sampledValue !== undefined && sampledValue === sample[sample.length - 1]) {
    // Samples cannot split a window whose slopes coincide (exactly linear data); test that value alone.
    const single = evaluateWindow(points, sampledValue, sampledValue);
    if (single && containsRanks(single, firstRank, lastRank) && single.inside < window.inside) return single;
  }
  if (trySampling) {
    const narrowed = tryNarrow(points, window, sample, firstRank, lastRank);
    if (narrowed && narrowed.inside < window.inside) return narrowed;
  }
  const cut = bisectionCut(sample, window, firstRank);
  // No sampled slope strictly inside: the slopes likely sit on the two bounds, so split there.
  const outcome =
    cut === null
      ? splitAtBounds(points, window, firstRank, lastRank)
      : bisect(points, window, cut, firstRank, lastRank);
  if (outcome && 'window' in outcome) return outcome.window.inside < window.inside ? outcome.window : null;
  return outcome;
}

/**
 * The slopes of 0-based ranks firstRank..lastRank (at most two adjacent ranks)
 * among all pairs with distinct x, ascending. Throws SlopeSelectionFailure
 * when the coordinates are too badly scaled to separate the slopes.
 */
export function selectSlopeRanks(
  points: SlopePoints,
  firstRank: number,
  lastRank: number,
  random: RandomSource,
  tuning: SlopeSelectionTuning,
): number[] {
  const ranks = firstRank === lastRank ? [firstRank] : [firstRank, lastRank];
  const draw = (upperExclusive: number) => randomIndex(random, upperExclusive);
  const everything = evaluateWindow(points, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  if (!everything) throw new SlopeSelectionFailure('cannot order points by x');
  let window: SlopeWindow = everything;
  let samplingRounds = 0;
  let stalledSteps = 0;
  while (stalledSteps < MAX_STALLED_STEPS) {
    const pinned = window.safeLower === window.safeUpper;
    const listingBudget = pinned
      ? Math.max(tuning.windowBudget, tuning.pinnedListingBudget)
      : tuning.windowBudget;
    if (window.inside <= listingBudget) {
      const found =
        selectFromListing(points, window, ranks) ??
        selectFromWidenedListing(points, window, ranks, listingBudget);
      if (found) return found;
    }
    if (pinned && isFinelyResolved(points, window.safeLower)) {
      // Pinned to one value and too large to list: every pair inside has this slope up to the rounding margin.
      const commonSlope = window.safeLower;
      return ranks.map(() => commonSlope);
    }
    const sample = sampleWindowSlopes(points, window, Math.max(1, tuning.sampleSize), draw);
    const trySampling = samplingRounds < tuning.maxSamplingRounds;
    if (trySampling) samplingRounds++;
    const next = narrowOnce(points, window, sample, firstRank, lastRank, trySampling);
    if (next && 'straddles' in next) {
      const [first] = selectSlopeRanks(points, firstRank, firstRank, random, tuning);
      const [last] = selectSlopeRanks(points, lastRank, lastRank, random, tuning);
      return [first as number, last as number];
    }
    if (next) {
      window = next;
      stalledSteps = 0;
    } else {
      stalledSteps++;
    }
  }
  throw new SlopeSelectionFailure('the slope window stopped shrinking');
}
