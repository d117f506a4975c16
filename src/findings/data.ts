import { z } from 'zod';

/**
 * `data` shapes of the finding types that several sources share. A finding's `data` is validated
 * against its type's schema in the tests of the analyzer that writes it; `afterburn schema`
 * documents them. Contract additions: new types only, never a changed field.
 */
const Count = z.int().nonnegative();
const IsoTime = z.iso.datetime({ offset: false });

/** A rate over the last `window` items in event-time order; undefined (null) until the window is full. */
export const RollingRateData = z.object({
  metric: z.string(),
  window: Count,
  /** Items in the window so far (n < window means value is null: shown as `undefined (n=23/50)`). */
  n: Count,
  value: z.number().nullable(),
  /** Hysteresis state: above after crossing `up`, below after crossing `down`, unknown before either. */
  state: z.enum(['above', 'below', 'unknown']),
  up: z.number().nullable(),
  down: z.number().nullable(),
  /** True while the scope has fewer than `window` items and the global window stands in for it. */
  fallback: z.boolean().optional(),
  /** Items of the scope seen so far (the scope's own count, even while the global window is used). */
  items: Count.optional(),
  /**
   * The rate over every item of the scope, not only the last window: what a log shorter than the
   * window can still be compared on. A percentile has one only while its items fit the window.
   */
  whole_log_value: z.number().nullable().optional(),
});
export type RollingRateData = z.infer<typeof RollingRateData>;

/** One crossing of a hysteresis threshold: emitted once per crossing, in either direction. */
export const ThresholdCrossedData = z.object({
  metric: z.string(),
  direction: z.enum(['up', 'down']),
  value: z.number(),
  /** Event time of the item whose arrival made the crossing. */
  at: IsoTime,
  /** 0-based position of that item in the event-time order of its scope. */
  index: Count,
});
export type ThresholdCrossedData = z.infer<typeof ThresholdCrossedData>;

/** How a per-slice percentile finding names its slice (workrail's session percentiles). */
const SliceFields = {
  /** `global`, or what the slice is cut by (`workflow`). */
  dimension: z.string().optional(),
  /** The slice's value; null for `global`. */
  key: z.string().nullable().optional(),
};

/** Percentiles (R type 7) of a duration in milliseconds; null under the minimum sample count. */
export const LatencyData = z.object({
  metric: z.string(),
  n: Count,
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  /** Always `ms`; written by sources whose latency shares its code with `distribution`. */
  unit: z.literal('ms').optional(),
  ...SliceFields,
});
export type LatencyData = z.infer<typeof LatencyData>;

/** Shares of each outcome among finished units (tasks, sessions), with n, for one slice of the data. */
export const OutcomeRatesData = z.object({
  /** What the slice is cut by: `global`, `harness`, `model`, `task_type`, `workflow`, … */
  dimension: z.string(),
  /** The slice's value (`claude_code`, …); null for `global`. */
  key: z.string().nullable(),
  n: Count,
  counts: z.record(z.string(), Count),
  shares: z.record(z.string(), z.number().min(0).max(1)),
});
export type OutcomeRatesData = z.infer<typeof OutcomeRatesData>;

/** Percentiles (R type 7) of a size (lines or files changed, …); null under the minimum sample count. */
export const DistributionData = z.object({
  metric: z.string(),
  /** What the values count: `lines`, `files`, … */
  unit: z.string(),
  n: Count,
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  ...SliceFields,
});
export type DistributionData = z.infer<typeof DistributionData>;

export const CacheReadRatioSummary = z.object({
  n: Count,
  p10: z.number().nullable(),
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  mean: z.number().nullable(),
});

export const EfficiencyTrendData = z.object({
  n: Count,
  ols_slope: z.number().nullable().describe('input tokens per day, ordinary least squares'),
  slope_sign: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
  theil_sen_slope: z.number().nullable().describe('input tokens per day, median of pairwise slopes'),
  mk_p_value: z.number().min(0).max(1).describe('one-sided Mann-Kendall p-value for a decrease'),
  mk_s: z.number().describe("Kendall's S"),
  mk_method: z.enum(['exact', 'normal']),
  direction: z.enum(['decreasing', 'flat', 'increasing']),
  first_decile_median: z.number().nullable(),
  last_decile_median: z.number().nullable(),
  cache_read_ratio: CacheReadRatioSummary,
  alpha: z.number(),
  min_samples: Count,
  require_acceptance: z.boolean(),
  excluded_missing_input_tokens: Count.describe(
    'completed tasks left out because they carry no input_tokens',
  ),
  // Added with --min-effect, so optional for stores written before it.
  effect: z
    .number()
    .nullable()
    .optional()
    .describe("the Theil-Sen line's fall over the observed span, relative to its level at the start"),
  min_effect: z.number().min(0).optional().describe('the smallest effect a PASS needs (--min-effect)'),
  // Chart data (added after the first release, so optional for stores written before it).
  theil_sen_intercept: z
    .number()
    .nullable()
    .optional()
    .describe('input tokens at `origin` on the Theil-Sen line (slope in tokens per day)'),
  origin: IsoTime.nullable().optional().describe('time of the first point: day 0 of the fitted line'),
  daily: z
    .array(
      z.object({
        day: z.string().describe('UTC day, YYYY-MM-DD'),
        n: Count,
        median: z.number(),
        q1: z.number(),
        q3: z.number(),
      }),
    )
    .optional()
    .describe('per UTC day: tasks, median and quartiles (R type 7) of input tokens'),
  cache_read_ratio_histogram: z
    .array(Count)
    .optional()
    .describe('tasks per cache-read ratio decile: [0, 0.1), [0.1, 0.2), ... [0.9, 1]'),
});
export type EfficiencyTrendData = z.infer<typeof EfficiencyTrendData>;

export const FrictionData = z.object({
  kind: z.string().describe('rationalization or block_reason (later sources add their own)'),
  value: z.string(),
  rank: z.int().positive(),
  remediation: z.string(),
  arms: z.record(z.string(), Count),
});
export type FrictionData = z.infer<typeof FrictionData>;

export const RegistrySuggestionData = z.object({
  suggestion: z.unknown().describe('the canonical suggestion object'),
  signature: z.string(),
  arms: z.record(z.string(), Count),
});
export type RegistrySuggestionData = z.infer<typeof RegistrySuggestionData>;
