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

/** Percentiles (R type 7) of a duration in milliseconds; null under the minimum sample count. */
export const LatencyData = z.object({
  metric: z.string(),
  n: Count,
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
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
});
export type DistributionData = z.infer<typeof DistributionData>;
