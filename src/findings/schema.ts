import { z } from 'zod';
import {
  CacheReadRatioSummary,
  DistributionData,
  EfficiencyTrendData,
  FrictionData,
  LatencyData,
  OutcomeRatesData,
  RegistrySuggestionData,
  RollingRateData,
  ThresholdCrossedData,
} from './data.js';
import {
  ContextPressureData,
  EstimateAccuracyData,
  QualityGateFrictionData,
} from './task-completions-data.js';

export { CacheReadRatioSummary, EfficiencyTrendData, FrictionData, RegistrySuggestionData };

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

export const Note = z.object({ at: IsoTime, status: FindingStatus, text: z.string().nullable() });

/** Friction of every kind but `quality_gate`, which carries its run counts (QualityGateFrictionData). */
export const FRICTION_KINDS = ['rationalization', 'block_reason', 'subagent_error', 'skip_reason'] as const;

/** `data` of a `friction` finding: the common fields, and the quality gate's counts for that kind. */
export const FrictionFindingData = z.union([
  FrictionData.extend({ kind: z.enum(FRICTION_KINDS) }),
  QualityGateFrictionData,
]);

/**
 * `data` of every finding type any source writes, by type. A type added here is in `afterburn
 * schema` and in the FindingDraft union the analyzers must build, so its data cannot drift.
 */
export const FINDING_DATA = {
  efficiency_trend: EfficiencyTrendData,
  friction: FrictionFindingData,
  registry_suggestion: RegistrySuggestionData,
  latency: LatencyData,
  distribution: DistributionData,
  outcome_rates: OutcomeRatesData,
  estimate_accuracy: EstimateAccuracyData,
  context_pressure: ContextPressureData,
  rolling_rate: RollingRateData,
  threshold_crossed: ThresholdCrossedData,
} as const;
export type FindingType = keyof typeof FINDING_DATA;
export const FINDING_TYPES = Object.keys(FINDING_DATA) as FindingType[];

/** The fields every finding has, whatever its type (the analyzer's part). */
const DRAFT_FIELDS = {
  id: z.string().regex(/^[a-z0-9_-]+$/),
  source: z.string(),
  description: z.string(),
  confidence: z.number().min(0).max(1),
  frequency: Count,
  sessions: z.array(z.string()),
  evidence: z.string(),
  verification: z.string().nullable(),
  theme: z.string(),
  project_slug: z.string().nullable(),
  occurrences: Count,
  first_seen: IsoTime.nullable(),
  last_seen: IsoTime.nullable(),
  scope: z.looseObject({ arm: z.string().nullable() }),
  verdict: Verdict.optional(),
};

/** What the store adds to a draft. */
const STORED_FIELDS = {
  created_at: IsoTime,
  status: FindingStatus,
  notes: z.array(Note).optional(),
  updated_at: IsoTime.optional(),
};

/**
 * A finding as the store keeps it: any type, `data` unchecked. Stores written by older versions
 * are read with it, so nothing they hold is rejected or stripped; every finding this version
 * writes also satisfies the stricter TypedFinding.
 */
export const Finding = z.object({
  ...DRAFT_FIELDS,
  type: z.string(),
  ...STORED_FIELDS,
  data: z.record(z.string(), z.unknown()),
});
export type Finding = z.infer<typeof Finding>;

/** The findings of each type with the fields of `shape`, discriminated on `type` (which fixes `data`). */
function byType<Shape extends z.ZodRawShape>(shape: Shape) {
  const of = <Type extends FindingType>(type: Type) =>
    z.object({ ...shape, type: z.literal(type), data: FINDING_DATA[type] });
  return z.discriminatedUnion('type', [
    of('efficiency_trend'),
    of('friction'),
    of('registry_suggestion'),
    of('latency'),
    of('distribution'),
    of('outcome_rates'),
    of('estimate_accuracy'),
    of('context_pressure'),
    of('rolling_rate'),
    of('threshold_crossed'),
  ]);
}

/** What an analyzer produces: a finding of a known type, before the store gives it a status and creation time. */
export const FindingDraft = byType(DRAFT_FIELDS);
export type FindingDraft = z.infer<typeof FindingDraft>;
/** The draft of one finding type: its `data` typed by that type's schema. */
export type FindingDraftOf<Type extends FindingType> = Extract<FindingDraft, { type: Type }>;

/** A finding as this version writes it: `afterburn schema`'s `finding`. */
export const TypedFinding = byType({ ...DRAFT_FIELDS, ...STORED_FIELDS });
export type TypedFinding = z.infer<typeof TypedFinding>;

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

type JsonSchema = z.core.JSONSchema.BaseSchema;
const JSON_SCHEMA_OPTIONS = { io: 'output', unrepresentable: 'any' } as const;

/**
 * TypedFinding's JSON Schema, with the common fields and `required` at the top level as
 * `afterburn schema` printed them before findings were typed (scripts read them there), and
 * `oneOf` fixing `data` by `type`. Both parts are generated; a finding must satisfy both.
 */
function findingJsonSchema(): JsonSchema {
  const typed = z.toJSONSchema(TypedFinding, JSON_SCHEMA_OPTIONS);
  return { ...z.toJSONSchema(Finding, JSON_SCHEMA_OPTIONS), oneOf: typed.oneOf };
}

export function jsonSchemas(): {
  run_report: JsonSchema;
  finding: JsonSchema;
  finding_data: Record<string, JsonSchema>;
} {
  const finding = findingJsonSchema();
  const { $schema: _nested, ...findingItem } = finding;
  const runReport = z.toJSONSchema(RunReport, JSON_SCHEMA_OPTIONS);
  const findings = runReport.properties?.findings;
  if (findings === undefined || typeof findings === 'boolean') throw new Error('run report without findings');
  return {
    run_report: {
      ...runReport,
      properties: { ...runReport.properties, findings: { ...findings, items: findingItem } },
    },
    finding,
    finding_data: Object.fromEntries(
      Object.entries(FINDING_DATA).map(([type, schema]) => [
        type,
        z.toJSONSchema(schema, JSON_SCHEMA_OPTIONS),
      ]),
    ),
  };
}
