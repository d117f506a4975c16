import { findingId } from '../findings/id.js';
import type { FindingDraftOf } from '../findings/schema.js';
import { quantile7 } from '../stats/index.js';
import { formatInteger, TimeRange, verificationCommand } from './shared.js';
import type { AnalyzerContext } from './types.js';

/** One measured value of one unit of work (a session's duration, its lines changed, …). */
export interface Measurement {
  readonly value: number;
  /** Event time (epoch ms), null when the log has none. */
  readonly at: number | null;
  /** The slice it belongs to along `dimension` (a workflow, …); null when unknown. */
  readonly group: string | null;
  readonly sessionId: string | null;
}

/** Finding type and unit: `latency` for durations in ms, `distribution` for sizes (`lines`, `files`, …). */
type TypeAndUnit =
  | { readonly type: 'latency'; readonly unit: 'ms' }
  | { readonly type: 'distribution'; readonly unit: string };

export type PercentileOptions = TypeAndUnit & {
  readonly metric: string;
  /** What a measurement's group is (`workflow`). */
  readonly dimension: string;
  /** Human name of the metric, in lower case: "session duration". */
  readonly label: string;
  /** What a unit is called in descriptions ("session"). */
  readonly noun: string;
  readonly theme: string;
  /** Below this many values the percentiles are null rather than a guess. */
  readonly minSamples: number;
};

const PERCENTILES = { p50: 0.5, p95: 0.95, p99: 0.99 } as const;

export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** R type-7 p50, p95 and p99 of the values; null for each p with fewer than `minimumFor(p)` values. */
export function percentilesOf(values: Iterable<number>, minimumFor: (p: number) => number): Percentiles {
  return percentilesOfSorted(Float64Array.from(values).sort(), minimumFor);
}

/** `percentilesOf` values already in ascending order (read in place). */
export function percentilesOfSorted(
  sorted: ArrayLike<number>,
  minimumFor: (p: number) => number,
): Percentiles {
  const at = (p: number) => (sorted.length >= minimumFor(p) ? quantile7(sorted, p) : null);
  return { p50: at(PERCENTILES.p50), p95: at(PERCENTILES.p95), p99: at(PERCENTILES.p99) };
}

function formatValue(value: number, unit: string): string {
  if (unit !== 'ms') return `${formatInteger(value)} ${unit}`;
  if (value < 1000) return `${formatInteger(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)} s`;
  if (value < 3_600_000) return `${(value / 60_000).toFixed(1)} min`;
  return `${(value / 3_600_000).toFixed(1)} h`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function sliceFinding(
  key: string | null,
  measurements: readonly Measurement[],
  options: PercentileOptions,
  context: AnalyzerContext,
): FindingDraftOf<PercentileOptions['type']> {
  const n = measurements.length;
  // All three or none: below minSamples (and for no values at all) every percentile is null.
  const minimum = Math.max(1, options.minSamples);
  const enough = n >= minimum;
  const values = percentilesOf(
    measurements.map((m) => m.value),
    () => minimum,
  );
  const range = new TimeRange();
  const sessions = new Set<string>();
  for (const m of measurements) {
    if (m.at !== null) range.add(m.at);
    if (m.sessionId) sessions.add(m.sessionId);
  }
  const dimension = key === null ? 'global' : options.dimension;
  const label = key === null ? `all ${options.noun}s` : `${options.dimension} "${key}"`;
  const shown = Object.entries(values)
    .map(([name, value]) => `${name} ${value === null ? 'n/a' : formatValue(value, options.unit)}`)
    .join(', ');
  const id = findingId(context.source, options.type, `${options.metric}:${dimension}:${key ?? ''}`);
  const finding = {
    id,
    source: context.source,
    description: enough
      ? `${capitalized(options.label)} for ${label}: ${shown} (n = ${n}).`
      : `Too few ${options.noun}s for percentiles of ${options.label} for ${label} (n = ${n}; needs ${options.minSamples}).`,
    // Below min-samples there are no percentiles: no measurement, so no confidence either.
    confidence: enough ? Math.min(1, n / 30) : 0,
    frequency: n,
    sessions: [...sessions].sort().slice(0, 50),
    evidence: `n = ${n} (min ${options.minSamples}); ${shown}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: options.theme,
    project_slug: null,
    occurrences: n,
    first_seen: range.first,
    last_seen: range.last,
    scope: { arm: key, dimension },
  };
  const slice = { metric: options.metric, n, ...values, dimension, key };
  // Latency's data schema takes only `ms`; TypeScript cannot tie options.unit to options.type
  // inside one literal, so the two types are built apart.
  return options.type === 'latency'
    ? { ...finding, type: 'latency', data: { ...slice, unit: 'ms' } }
    : { ...finding, type: 'distribution', data: { ...slice, unit: options.unit } };
}

/** Percentiles (R type 7) of a metric over all measurements, then per group, largest group first. */
export function percentileFindings(
  measurements: readonly Measurement[],
  options: PercentileOptions,
  context: AnalyzerContext,
): FindingDraftOf<PercentileOptions['type']>[] {
  if (measurements.length === 0) return [];
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    if (m.group === null || m.group === '') continue;
    const group = groups.get(m.group);
    if (group === undefined) groups.set(m.group, [m]);
    else group.push(m);
  }
  const ordered = [...groups.entries()].sort(
    (a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  return [
    sliceFinding(null, measurements, options, context),
    ...ordered.map(([key, group]) => sliceFinding(key, group, options, context)),
  ];
}
