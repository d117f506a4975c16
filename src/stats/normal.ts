/**
 * Standard normal CDF after W. J. Cody, "Rational Chebyshev approximations for
 * the error function", Math. Comp. 23 (1969) 631-637, as published in his
 * SPECFUN routine ANORM (netlib) and used by R's pnorm. The tails are computed
 * directly rather than as 1 - Φ(|z|), so tiny p-values keep their relative
 * accuracy down to z ≈ -37.5, where the result underflows to 0.
 */

// Cody's coefficients, each written as the double nearest his 20-digit value.
const SMALL_INTERVAL_NUMERATOR = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745,
] as const;
const SMALL_INTERVAL_DENOMINATOR = [
  47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673,
] as const;
const MIDDLE_INTERVAL_NUMERATOR = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
] as const;
const MIDDLE_INTERVAL_DENOMINATOR = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
] as const;
const TAIL_NUMERATOR = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934,
  0.000029112874951168793, 0.023073441764940174,
] as const;
const TAIL_DENOMINATOR = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662,
] as const;

const ONE_OVER_SQRT_TWO_PI = 0.3989422804014327;
const SQRT_32 = 5.656854249492381;
const SMALL_INTERVAL_LIMIT = 0.67448975;
const HALF_EPSILON = Number.EPSILON / 2;
// Beyond these Φ is 0 or 1 to double precision (Cody's XLOW / XUPPR).
const LOWEST_REPRESENTABLE_Z = -37.5193;
const HIGHEST_DISTINGUISHABLE_Z = 8.2924;

/**
 * exp(-y²/2) with y split into a part exact to 1/16 and a remainder, so the
 * large square does not lose the low bits that dominate the tail's accuracy.
 */
function gaussianDensityFactor(absoluteZ: number): number {
  const coarse = Math.trunc(absoluteZ * 16) / 16;
  const remainder = (absoluteZ - coarse) * (absoluteZ + coarse);
  return Math.exp(-coarse * coarse * 0.5) * Math.exp(-remainder * 0.5);
}

/**
 * Cody's rational function in t: numerator and denominator are built by the
 * same nested multiplication his code uses, the numerator's last coefficient
 * leading and the denominator monic.
 */
function codyRatio(numerator: readonly number[], denominator: readonly number[], t: number): number {
  const steps = denominator.length - 1;
  let top = (numerator[steps + 1] ?? 0) * t;
  let bottom = t;
  for (let i = 0; i < steps; i++) {
    top = (top + (numerator[i] ?? 0)) * t;
    bottom = (bottom + (denominator[i] ?? 0)) * t;
  }
  return (top + (numerator[steps] ?? 0)) / (bottom + (denominator[steps] ?? 0));
}

/** Upper tail Q(y) = 1 - Φ(y) for y above SMALL_INTERVAL_LIMIT. */
function upperTail(absoluteZ: number): number {
  if (absoluteZ <= SQRT_32) {
    return (
      gaussianDensityFactor(absoluteZ) *
      codyRatio(MIDDLE_INTERVAL_NUMERATOR, MIDDLE_INTERVAL_DENOMINATOR, absoluteZ)
    );
  }
  const inverseSquare = 1 / (absoluteZ * absoluteZ);
  const correction = inverseSquare * codyRatio(TAIL_NUMERATOR, TAIL_DENOMINATOR, inverseSquare);
  return (gaussianDensityFactor(absoluteZ) * (ONE_OVER_SQRT_TWO_PI - correction)) / absoluteZ;
}

/** Φ(z) = P(Z <= z) for a standard normal Z. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const absoluteZ = Math.abs(z);
  if (absoluteZ <= SMALL_INTERVAL_LIMIT) {
    const square = absoluteZ > HALF_EPSILON ? z * z : 0;
    return 0.5 + z * codyRatio(SMALL_INTERVAL_NUMERATOR, SMALL_INTERVAL_DENOMINATOR, square);
  }
  if (z < LOWEST_REPRESENTABLE_Z) return 0;
  if (z > HIGHEST_DISTINGUISHABLE_Z) return 1;
  const tail = upperTail(absoluteZ);
  return z < 0 ? tail : 1 - tail;
}

/** 1 - Φ(z), computed without cancellation for large positive z. */
export function normalSurvival(z: number): number {
  return normalCdf(-z);
}
