/**
 * Seeded randomised Theil–Sen estimate for long series: the median of a fixed number of slopes of
 * pairs drawn uniformly (with replacement) among the pairs with distinct x. Its cost is linear in
 * the sample, not in n log n, and it does not depend on the series' length.
 *
 * Error bound (Dvoretzky–Kiefer–Wolfowitz, with Massart's constant): with m sampled slopes the
 * sample's distribution function is within ε of the population's everywhere with probability at
 * least 1 − 2·exp(−2mε²). So with m = 2^20 the estimate lies between the 49.75th and the 50.25th
 * percentile of all pairwise slopes with probability at least 1 − 4·10⁻⁶ (ε = 0.0025), and the
 * seed makes the result the same on every run.
 */
import type { Mulberry32 } from './random.js';
import { medianInPlace } from './select.js';

/** Series longer than this use the sampled estimate; shorter ones the exact median slope. */
export const THEIL_SEN_EXACT_MAX_POINTS = 50_000;
/** Slopes sampled per estimate (2^20): 8 MB of scratch, a few tens of milliseconds. */
export const THEIL_SEN_SAMPLE_PAIRS = 1 << 20;
/** Draws allowed per kept slope before giving up; callers sample only when most draws are kept. */
const MAX_DRAWS_PER_SLOPE = 64;

let scratchSlopes: Float64Array | null = null;

/**
 * One buffer for the sampled slopes, reused by every estimate of a run (the trend analyzer takes
 * one per arm and one overall): 8 MB once instead of 8 MB of garbage each time. Every slot is written
 * before it is read, so what an earlier estimate left there never matters.
 */
function scratch(length: number): Float64Array {
  if (scratchSlopes?.length !== length) scratchSlopes = new Float64Array(length);
  return scratchSlopes;
}

/**
 * The median of `samplePairs` random pair slopes, or null when the draws keep landing on equal x
 * (then the caller's exact method answers).
 */
export function sampledMedianSlope(
  x: Float64Array,
  y: Float64Array,
  samplePairs: number,
  random: Mulberry32,
): number | null {
  const n = x.length;
  const slopes = scratch(samplePairs);
  const maxDraws = samplePairs * MAX_DRAWS_PER_SLOPE;
  let draws = 0;
  for (let kept = 0; kept < samplePairs; ) {
    if (draws++ >= maxDraws) return null;
    // A typed array holds fewer than 2^32 points, the range nextIndex draws from exactly.
    const i = random.nextIndex(n);
    const j = random.nextIndex(n);
    const dx = (x[j] as number) - (x[i] as number);
    if (dx === 0) continue;
    slopes[kept++] = ((y[j] as number) - (y[i] as number)) / dx;
  }
  return medianInPlace(slopes);
}
