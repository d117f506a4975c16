import { percent, TimeRange, verificationCommand } from '../../../analyzers/shared.js';
import {
  byHarnessAndModel,
  type EventSlice,
  sliceLabel,
  sliceScope,
} from '../../../analyzers/task-slices.js';
import type { Analyzer, AnalyzerContext } from '../../../analyzers/types.js';
import { findingId } from '../../../findings/id.js';
import type { FindingDraft } from '../../../findings/schema.js';
import type { ContextPressureData, Distribution } from '../../../findings/task-completions-data.js';
import { quantile7 } from '../../../stats/index.js';
import type { TaskCompletionEvent } from '../schema.js';

export const CONTEXT_PRESSURE = 'context_pressure';
/** A task that ends above this share of its context window had little room left. */
export const HIGH_UTILIZATION = 0.9;

export function distribution(values: readonly number[]): Distribution {
  const n = values.length;
  if (n === 0) return { n, mean: null, p50: null, p95: null };
  const sorted = Float64Array.from(values).sort();
  return {
    n,
    mean: sorted.reduce((sum, value) => sum + value, 0) / n,
    p50: quantile7(sorted, 0.5),
    p95: quantile7(sorted, 0.95),
  };
}

/** The values a field has on the events that report it (absent or null is "not reported", never 0). */
function reported(
  events: readonly TaskCompletionEvent[],
  field: (event: TaskCompletionEvent) => number | null | undefined,
): number[] {
  return events.flatMap((event) => {
    const value = field(event);
    return value === null || value === undefined ? [] : [value];
  });
}

function fixed(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}

function toFinding(slice: EventSlice<TaskCompletionEvent>, context: AnalyzerContext): FindingDraft | null {
  const retries = distribution(reported(slice.events, (e) => e.retry_count));
  const utilization = distribution(reported(slice.events, (e) => e.context_utilization_final));
  const compactions = distribution(reported(slice.events, (e) => e.context_compactions));
  const rotations = distribution(reported(slice.events, (e) => e.context_rotations));
  if (retries.n + utilization.n + compactions.n + rotations.n === 0) return null;
  const above = slice.events.filter((e) => (e.context_utilization_final ?? 0) > HIGH_UTILIZATION).length;
  const range = new TimeRange();
  for (const event of slice.events) range.add(event.timestamp);
  const data: ContextPressureData = {
    dimension: slice.dimension,
    key: slice.key,
    n: slice.events.length,
    retries,
    utilization: {
      ...utilization,
      above_threshold: above,
      above_threshold_share: utilization.n === 0 ? null : above / utilization.n,
      threshold: HIGH_UTILIZATION,
    },
    compactions,
    rotations,
  };
  const id = findingId(context.source, CONTEXT_PRESSURE, `${slice.dimension}:${slice.key ?? ''}`);
  const label = sliceLabel(slice);
  const pressure =
    utilization.n === 0
      ? 'no task reported its final context utilisation'
      : `${percent(above, utilization.n)} of tasks ended above ${HIGH_UTILIZATION * 100}% context utilisation (p50 ${fixed(utilization.p50, 2)}, p95 ${fixed(utilization.p95, 2)})`;
  return {
    id,
    type: CONTEXT_PRESSURE,
    source: context.source,
    description: `For ${label}: ${pressure}; ${fixed(compactions.mean, 2)} compactions and ${fixed(retries.mean, 2)} retries per task (retries p95 ${fixed(retries.p95, 1)}).`,
    confidence: Math.min(1, slice.events.length / 30),
    frequency: slice.events.length,
    sessions: [],
    evidence: `${utilization.n} with utilisation, ${compactions.n} with compactions, ${retries.n} with retries, of ${slice.events.length} event(s); ${above} above ${HIGH_UTILIZATION}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: 'context_pressure',
    project_slug: null,
    occurrences: slice.events.length,
    first_seen: range.first,
    last_seen: range.last,
    scope: sliceScope(slice),
    data,
  };
}

export const contextPressure: Analyzer<{ readonly events: readonly TaskCompletionEvent[] }> = {
  meta: {
    id: CONTEXT_PRESSURE,
    findingType: CONTEXT_PRESSURE,
    description:
      'Retries (mean, p95), final context utilisation (p50, p95, share above 90%) and compactions per task, globally and per harness and model',
    question: 'How close do tasks run to the context limit, and how often are they retried?',
  },
  analyze(dataset, context) {
    const slices = byHarnessAndModel(dataset.events);
    return slices.flatMap((slice) => toFinding(slice, context) ?? []);
  },
};
