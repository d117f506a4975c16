export { type KendallSResult, kendallS } from './kendall.js';
export {
  EXACT_MAX_N,
  exactTailProbabilities,
  kendallVariance,
  type MannKendallResult,
  mannKendall,
  minimumAchievablePDecreasing,
  normalTailProbabilities,
  type TailProbabilities,
} from './mann-kendall.js';
export { normalCdf, normalSurvival } from './normal.js';
export { decileMedians, median, quantile7, quantiles7, type Summary, summarize } from './quantiles.js';
export { mulberry32, type RandomSource } from './random.js';
export { olsSlope, slopeSign } from './regression.js';
export { type TheilSenOptions, type TheilSenResult, theilSen } from './theil-sen.js';
