import { z } from 'zod';
import { LatencyData, RollingRateData, ThresholdCrossedData } from './data.js';

/**
 * The finding and run-report shapes of the public contract (../shared/docs/contract.md).
 * Every type in the code is inferred from these schemas, and `afterburn schema` prints the JSON
 * Schema generated from them, so the three can never drift apart.
 */
export const SCHEMA_VERSION = 1 as const;

export const Verdict = z.enum(['pass', 'fail', 'inconclusive']);
export type Verdict = z.infer<typeof Verdict>;

export const FindingStatus = z.enum(['candidate', 'verified', 'rejected']);
export type FindingStatus = z.infer<typeof FindingStatus>;

const IsoTime = z.iso.datetime({ offset: false });
const Count = z.int().nonnegative();

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

export const FrictionData = z.object({
  kind: z.string().describe('rationalization or block_reason (later sources add their own)'),
  value: z.string(),
  rank: z.int().positive(),
  remediation: z.string(),
  arms: z.record(z.string(), Count),
});

export const RegistrySuggestionData = z.object({
  suggestion: z.unknown().describe('the canonical suggestion object'),
  signature: z.string(),
  arms: z.record(z.string(), Count),
});

export const Note = z.object({ at: IsoTime, status: FindingStatus, text: z.string().nullable() });

export const Finding = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  type: z.string(),
  source: z.string(),
  description: z.string(),
  confidence: z.number().min(0).max(1),
  frequency: Count,
  sessions: z.array(z.string()),
  evidence: z.string(),
  verification: z.string().nullable(),
  theme: z.string(),
  project_slug: z.string().nullable(),
  created_at: IsoTime,
  status: FindingStatus,
  occurrences: Count,
  first_seen: IsoTime.nullable(),
  last_seen: IsoTime.nullable(),
  scope: z.looseObject({ arm: z.string().nullable() }),
  verdict: Verdict.optional(),
  data: z.record(z.string(), z.unknown()),
  notes: z.array(Note).optional(),
  updated_at: IsoTime.optional(),
});
export type Finding = z.infer<typeof Finding>;

/** What an analyzer produces: a finding before the store has given it a status and creation time. */
export const FindingDraft = Finding.omit({ created_at: true, status: true, notes: true, updated_at: true });
export type FindingDraft = z.infer<typeof FindingDraft>;

export const CountsShape = {
  lines: Count,
  blank: Count,
  skipped: Count,
  dispatch: Count,
  finalize: Count,
  joined: Count,
  denied: Count,
  unmatched_dispatch: Count,
  unmatched_finalize: Count,
  duplicates: Count,
};
export const Counts = z.looseObject(CountsShape);
export type Counts = z.infer<typeof Counts>;

export const RunReport = z.object({
  schema_version: z.literal(SCHEMA_VERSION),
  source: z.string(),
  inputs: z.array(z.string()),
  counts: Counts,
  /** --incremental only: the same counts over the lines this run read, as if they were the whole log. */
  counts_this_run: Counts.optional(),
  verdict: Verdict.nullable(),
  findings: z.array(Finding),
});
export type RunReport = z.infer<typeof RunReport>;

/** `data` of the health finding types, by type (contract addition: new types only). */
const HEALTH_DATA = {
  rolling_rate: RollingRateData,
  threshold_crossed: ThresholdCrossedData,
  latency: LatencyData,
};

export function jsonSchemas(): {
  run_report: unknown;
  finding: unknown;
  finding_data: Record<string, unknown>;
} {
  const options = { io: 'output', unrepresentable: 'any' } as const;
  return {
    run_report: z.toJSONSchema(RunReport, options),
    finding: z.toJSONSchema(Finding, options),
    finding_data: Object.fromEntries(
      Object.entries(HEALTH_DATA).map(([type, schema]) => [type, z.toJSONSchema(schema, options)]),
    ),
  };
}
