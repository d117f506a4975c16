import { z } from 'zod';
import { FrictionData } from './data.js';

/**
 * `data` shapes of the task-completions findings (README "The task-completions log"). Analyzers
 * type their `data` with these, and their tests validate against them.
 */
const Count = z.int().nonnegative();
const Percent = z.number().nullable();

export const EstimateAccuracyData = z.object({
  metric: z.enum(['input_tokens', 'output_tokens', 'cost_usd_micros']),
  dimension: z.string(),
  key: z.string().nullable(),
  events: Count,
  n: Count.describe('events with an estimate and a non-zero actual'),
  missing: Count.describe('events without an estimate (never treated as 0)'),
  missing_actual: Count,
  zero_actual: Count,
  bias_pct: Percent.describe('median of 100 × (estimate − actual) / actual; positive = estimates high'),
  mape_pct: Percent,
  p90_abs_error_pct: Percent,
  estimated_total: Count,
  actual_total: Count,
  assessment: z.enum(['usable', 'not_usable', 'insufficient_data']),
  rule: z.object({ min_samples: Count, max_abs_bias_pct: z.number(), max_p90_abs_error_pct: z.number() }),
});
export type EstimateAccuracyData = z.infer<typeof EstimateAccuracyData>;

export const QualityGateFrictionData = FrictionData.extend({
  kind: z.literal('quality_gate'),
  languages: z.record(z.string(), Count),
  runs: Count,
  failures: Count,
  failure_rate: z.number().min(0).max(1),
});
export type QualityGateFrictionData = z.infer<typeof QualityGateFrictionData>;

export const Distribution = z.object({
  n: Count,
  mean: z.number().nullable(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
});
export type Distribution = z.infer<typeof Distribution>;

export const ContextPressureData = z.object({
  dimension: z.string(),
  key: z.string().nullable(),
  n: Count,
  retries: Distribution,
  utilization: Distribution.extend({
    above_threshold: Count,
    above_threshold_share: z.number().min(0).max(1).nullable(),
    threshold: z.number(),
  }),
  compactions: Distribution,
  rotations: Distribution,
});
export type ContextPressureData = z.infer<typeof ContextPressureData>;
