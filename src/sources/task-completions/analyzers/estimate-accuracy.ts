import { formatInteger, TimeRange, verificationCommand } from '../../../analyzers/shared.js';
import {
  byHarnessAndModel,
  type EventSlice,
  sliceLabel,
  sliceScope,
} from '../../../analyzers/task-slices.js';
import type { Analyzer, AnalyzerContext } from '../../../analyzers/types.js';
import { dollarsFromMicros } from '../../../common/money.js';
import { findingId } from '../../../findings/id.js';
import type { FindingDraft } from '../../../findings/schema.js';
import type { EstimateAccuracyData } from '../../../findings/task-completions-data.js';
import { quantile7 } from '../../../stats/index.js';
import type { TaskCompletionEvent } from '../schema.js';

export const ESTIMATE_ACCURACY = 'estimate_accuracy';

/**
 * The usable/not-usable rule (README "Estimate accuracy"): with at least --min-samples pairs, the
 * estimates are usable when the median signed error is within ±10 % (not systematically low or
 * high) and nine in ten estimates are within 25 % of the actual (p90 absolute error ≤ 25 %).
 * MAPE is reported but not judged: one wild estimate can dominate a mean.
 */
export const MAX_ABS_BIAS_PCT = 10;
export const MAX_P90_ABS_ERROR_PCT = 25;

export type Assessment = EstimateAccuracyData['assessment'];

interface Metric {
  readonly name: EstimateAccuracyData['metric'];
  readonly label: string;
  readonly estimate: (event: TaskCompletionEvent) => number | null | undefined;
  readonly actual: (event: TaskCompletionEvent) => number | null | undefined;
  readonly amount: (value: number) => string;
}

const tokens = (value: number): string => `${formatInteger(value)} tokens`;

export const METRICS: readonly Metric[] = [
  {
    name: 'input_tokens',
    label: 'Input-token',
    estimate: (e) => e.estimated_input_tokens,
    actual: (e) => e.actual_input_tokens,
    amount: tokens,
  },
  {
    name: 'output_tokens',
    label: 'Output-token',
    estimate: (e) => e.estimated_output_tokens,
    actual: (e) => e.actual_output_tokens,
    amount: tokens,
  },
  {
    name: 'cost_usd_micros',
    label: 'Cost',
    estimate: (e) => e.estimated_cost_usd_micros,
    actual: (e) => e.actual_cost_usd_micros,
    amount: dollarsFromMicros,
  },
];

export interface ErrorSummary {
  /** Pairs with an estimate and a non-zero actual. */
  readonly n: number;
  /** Events without an estimate: counted, never treated as an estimate of zero. */
  readonly missing: number;
  /** Events with an estimate but no actual to check it against. */
  readonly missingActual: number;
  /** Events whose actual is 0: a percentage error is undefined there. */
  readonly zeroActual: number;
  /** Median of 100 × (estimate − actual) / actual: positive means estimates run high. */
  readonly biasPct: number | null;
  readonly mapePct: number | null;
  readonly p90AbsPct: number | null;
  readonly estimatedTotal: number;
  readonly actualTotal: number;
}

export function summarizeErrors(events: readonly TaskCompletionEvent[], metric: Metric): ErrorSummary {
  const signed: number[] = [];
  let missing = 0;
  let missingActual = 0;
  let zeroActual = 0;
  let estimatedTotal = 0;
  let actualTotal = 0;
  for (const event of events) {
    const estimate = metric.estimate(event);
    const actual = metric.actual(event);
    if (estimate === null || estimate === undefined) missing += 1;
    else if (actual === null || actual === undefined) missingActual += 1;
    else if (actual === 0) zeroActual += 1;
    else {
      signed.push((100 * (estimate - actual)) / actual);
      estimatedTotal += estimate;
      actualTotal += actual;
    }
  }
  const n = signed.length;
  if (n === 0) {
    return {
      n,
      missing,
      missingActual,
      zeroActual,
      biasPct: null,
      mapePct: null,
      p90AbsPct: null,
      estimatedTotal,
      actualTotal,
    };
  }
  const absolute = Float64Array.from(signed, Math.abs).sort();
  return {
    n,
    missing,
    missingActual,
    zeroActual,
    biasPct: quantile7(Float64Array.from(signed).sort(), 0.5),
    mapePct: absolute.reduce((sum, value) => sum + value, 0) / n,
    p90AbsPct: quantile7(absolute, 0.9),
    estimatedTotal,
    actualTotal,
  };
}

export function assess(summary: ErrorSummary, minSamples: number): Assessment {
  if (summary.n < minSamples || summary.biasPct === null || summary.p90AbsPct === null) {
    return 'insufficient_data';
  }
  return Math.abs(summary.biasPct) <= MAX_ABS_BIAS_PCT && summary.p90AbsPct <= MAX_P90_ABS_ERROR_PCT
    ? 'usable'
    : 'not_usable';
}

function pct(value: number): string {
  return `${Math.round(Math.abs(value))}%`;
}

function describe(
  metric: Metric,
  label: string,
  s: ErrorSummary,
  assessment: Assessment,
  minSamples: number,
): string {
  const missing = s.missing > 0 ? `, ${s.missing} without an estimate` : '';
  if (s.n === 0 || s.biasPct === null || s.mapePct === null || s.p90AbsPct === null) {
    return `${metric.label} estimates for ${label} cannot be checked: no event has both an estimate and a non-zero actual (n = 0${missing}).`;
  }
  const direction =
    Math.round(s.biasPct) === 0 ? 'are unbiased' : `run ${pct(s.biasPct)} ${s.biasPct > 0 ? 'high' : 'low'}`;
  const verdict =
    assessment === 'usable'
      ? 'usable'
      : assessment === 'not_usable'
        ? 'not usable'
        : `too few to judge (needs ${minSamples})`;
  return (
    `${metric.label} estimates for ${label} ${direction} (median), MAPE ${pct(s.mapePct)}, ` +
    `p90 error ${pct(s.p90AbsPct)} (n = ${s.n}${missing}): ${verdict}. ` +
    `Estimated ${metric.amount(s.estimatedTotal)} against ${metric.amount(s.actualTotal)} actual.`
  );
}

function toFinding(
  slice: EventSlice<TaskCompletionEvent>,
  metric: Metric,
  context: AnalyzerContext,
): FindingDraft | null {
  const summary = summarizeErrors(slice.events, metric);
  const reported = slice.events.some((e) => metric.estimate(e) != null || metric.actual(e) != null);
  if (!reported) return null;
  const { minSamples } = context.options;
  const assessment = assess(summary, minSamples);
  const range = new TimeRange();
  for (const event of slice.events) range.add(event.timestamp);
  const data: EstimateAccuracyData = {
    metric: metric.name,
    dimension: slice.dimension,
    key: slice.key,
    events: slice.events.length,
    n: summary.n,
    missing: summary.missing,
    missing_actual: summary.missingActual,
    zero_actual: summary.zeroActual,
    bias_pct: summary.biasPct,
    mape_pct: summary.mapePct,
    p90_abs_error_pct: summary.p90AbsPct,
    estimated_total: summary.estimatedTotal,
    actual_total: summary.actualTotal,
    assessment,
    rule: {
      min_samples: minSamples,
      max_abs_bias_pct: MAX_ABS_BIAS_PCT,
      max_p90_abs_error_pct: MAX_P90_ABS_ERROR_PCT,
    },
  };
  const id = findingId(
    context.source,
    ESTIMATE_ACCURACY,
    `${metric.name}:${slice.dimension}:${slice.key ?? ''}`,
  );
  return {
    id,
    type: ESTIMATE_ACCURACY,
    source: context.source,
    description: describe(metric, sliceLabel(slice), summary, assessment, minSamples),
    confidence: Math.min(1, summary.n / 30),
    frequency: summary.n,
    sessions: [],
    evidence: `${summary.n} paired, ${summary.missing} without an estimate, ${summary.missingActual} without an actual, ${summary.zeroActual} with an actual of 0, of ${slice.events.length} event(s)`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: 'estimate_accuracy',
    project_slug: null,
    occurrences: slice.events.length,
    first_seen: range.first,
    last_seen: range.last,
    scope: sliceScope(slice),
    data,
  };
}

export const estimateAccuracy: Analyzer<{ readonly events: readonly TaskCompletionEvent[] }> = {
  meta: {
    id: ESTIMATE_ACCURACY,
    findingType: ESTIMATE_ACCURACY,
    description:
      'Signed and absolute percentage error of token and cost estimates, globally and per harness and model',
    question: 'Can the pre-task token and cost estimates be trusted, and are they low or high?',
  },
  analyze(dataset, context) {
    const slices = byHarnessAndModel(dataset.events);
    return METRICS.flatMap((metric) => slices.flatMap((slice) => toFinding(slice, metric, context) ?? []));
  },
};
