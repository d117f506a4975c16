/**
 * Theil–Sen line: slope = median of all pairwise slopes over pairs with
 * distinct x (Theil 1950; Sen 1968), intercept = median of y − slope·x.
 * Small inputs list every slope; large ones use exact randomised slope
 * selection, which returns the same order statistics without n² memory;
 * series longer than THEIL_SEN_EXACT_MAX_POINTS use a seeded sampled
 * estimate with a stated error bound (theil-sen-sampled.ts).
 */
import { Mulberry32, mulberry32 } from './random.js';
import { medianInPlace, selectInPlace } from './select.js';
import { prepareSlopePoints, type SlopePoints } from './slope-points.js';
import {
  defaultSlopeSelectionTuning,
  SlopeSelectionFailure,
  type SlopeSelectionTuning,
  selectSlopeRanks,
} from './slope-selection.js';
import {
  sampledMedianSlope,
  THEIL_SEN_EXACT_MAX_POINTS,
  THEIL_SEN_SAMPLE_PAIRS,
} from './theil-sen-sampled.js';

export interface TheilSenResult {
  slope: number;
  intercept: number;
  /** `sampled`: the median of THEIL_SEN_SAMPLE_PAIRS random pair slopes (series longer than THEIL_SEN_EXACT_MAX_POINTS). */
  method: 'exact' | 'sampled';
  /** Pairs with distinct x, i.e. the number of slopes the median is taken over. */
  pairs: number;
}

export interface TheilSenOptions {
  /** Seed of the sampling used for large inputs; the result does not depend on it, only the running time. */
  seed?: number;
}

/** Internal knobs so tests can push small inputs through the large-input path. */
export interface TheilSenInternalOptions extends TheilSenOptions {
  /** Inputs with at most this many points list every slope. */
  enumerationMaxPoints?: number;
  /** Inputs with more points than this use the sampled estimate. */
  exactMaxPoints?: number;
  /** Slopes the sampled estimate draws. */
  samplePairs?: number;
  selection?: Partial<SlopeSelectionTuning>;
}

export const THEIL_SEN_ENUMERATION_MAX_POINTS = 1500;
const DEFAULT_SEED = 0x5eed;
/** Largest pair count the last-resort listing may allocate (8 bytes a slope). */
const LISTING_FALLBACK_MAX_PAIRS = 10_000_000;

/** Every slope over pairs with distinct x, in one typed array. */
function allSlopes(points: SlopePoints): Float64Array {
  const { n, x, y } = points;
  const slopes = new Float64Array(points.pairCount);
  let written = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    const yi = y[i] as number;
    for (let j = i + 1; j < n; j++) {
      const dx = (x[j] as number) - xi;
      if (dx !== 0) slopes[written++] = ((y[j] as number) - yi) / dx;
    }
  }
  return slopes;
}

function middleRanks(count: number): { lower: number; upper: number } {
  return { lower: Math.floor((count - 1) / 2), upper: Math.floor(count / 2) };
}

function medianSlopeByListing(points: SlopePoints): number {
  const slopes = allSlopes(points);
  const { lower, upper } = middleRanks(slopes.length);
  const upperValue = selectInPlace(slopes, upper);
  // Selection leaves every smaller slope left of `upper`, so the lower middle is selected from that part alone.
  const lowerValue = lower === upper ? upperValue : selectInPlace(slopes, lower, 0, upper);
  return (lowerValue + upperValue) / 2;
}

function medianSlopeBySelection(points: SlopePoints, options: TheilSenInternalOptions): number {
  const { lower, upper } = middleRanks(points.pairCount);
  const tuning = { ...defaultSlopeSelectionTuning(points.n), ...options.selection };
  const random = mulberry32(options.seed ?? DEFAULT_SEED);
  try {
    const values = selectSlopeRanks(points, lower, upper, random, tuning);
    const lowerValue = values[0] as number;
    return (lowerValue + (values[1] ?? lowerValue)) / 2;
  } catch (error) {
    // Coordinates spanning subnormals or near-overflow magnitudes defeat the ordering; listing is still exact.
    if (error instanceof SlopeSelectionFailure && points.pairCount <= LISTING_FALLBACK_MAX_PAIRS) {
      return medianSlopeByListing(points);
    }
    throw error;
  }
}

function isConstant(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] !== values[0]) return false;
  return true;
}

function medianSlope(
  points: SlopePoints,
  options: TheilSenInternalOptions,
): { slope: number; method: TheilSenResult['method'] } {
  if (isConstant(points.y)) return { slope: 0, method: 'exact' };
  // Sampling draws pairs (i, j) from all n²; when few of them have distinct x it would mostly
  // redraw, and the exact selection below handles such series as well.
  const drawsKept = (2 * points.pairCount) / (points.n * points.n);
  if (points.n > (options.exactMaxPoints ?? THEIL_SEN_EXACT_MAX_POINTS) && drawsKept >= 1 / 16) {
    const random = new Mulberry32(options.seed ?? DEFAULT_SEED);
    const samplePairs = options.samplePairs ?? THEIL_SEN_SAMPLE_PAIRS;
    const sampled = sampledMedianSlope(points.x, points.y, samplePairs, random);
    if (sampled !== null) return { slope: sampled, method: 'sampled' };
  }
  const enumerationMaxPoints = options.enumerationMaxPoints ?? THEIL_SEN_ENUMERATION_MAX_POINTS;
  if (points.n <= enumerationMaxPoints) return { slope: medianSlopeByListing(points), method: 'exact' };
  return { slope: medianSlopeBySelection(points, options), method: 'exact' };
}

export function theilSen(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: TheilSenInternalOptions = {},
): TheilSenResult | null {
  const points = prepareSlopePoints(x, y);
  if (points.distinctX < 2) return null;
  const { slope, method } = medianSlope(points, options);
  const residuals = new Float64Array(points.n);
  for (let i = 0; i < points.n; i++) residuals[i] = (points.y[i] as number) - slope * (points.x[i] as number);
  // `+ 0` folds −0 (a zero slope from a negative dx) into 0; the sign of zero means nothing here.
  return {
    slope: slope + 0,
    intercept: medianInPlace(residuals) + 0,
    method,
    pairs: points.pairCount,
  };
}
