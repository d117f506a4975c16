import { decimal, stateNote } from '../common/format.js';
import type { RollingRateData, ThresholdCrossedData } from '../findings/data.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import {
  type Hysteresis,
  type RollingAggregate,
  type RollingColumns,
  type RollingItem,
  type RollingSeries,
  type RollingSpec,
  rollingSeries,
  rollingSeriesOfColumns,
} from '../stats/rolling.js';
import { isoTime, verificationCommand } from './shared.js';
import type { AnalyzerContext } from './types.js';

export const ROLLING_RATE = 'rolling_rate';
export const THRESHOLD_CROSSED = 'threshold_crossed';

/** One rolling health metric of a source: what it counts, over which window, with which levels. */
export interface RollingMetric {
  /** `first_pass_merge_rate`, … : the name in findings, `afterburn metrics` and the config. */
  readonly metric: string;
  /** What the items are ("merges", "tasks", "dispatches"), for descriptions. */
  readonly unit: string;
  readonly window: number;
  readonly aggregate: RollingAggregate;
  readonly thresholds: Hysteresis | null;
}

/** What a scope value is: an arm, a project, a channel, a workflow. */
export type ScopeKind = 'arm' | 'project' | 'channel' | 'workflow';

/**
 * Items that could not be placed in the window (e.g. no event time), so a rate over fewer items
 * than the source holds says so in its evidence instead of hiding them.
 */
export interface LeftOut {
  /** Why they were left out, e.g. "no timestamp". */
  readonly reason: string;
  /** How many were left out overall (null) or in one scope. */
  readonly count: (scope: string | null) => number;
}

export interface RollingFindingOptions {
  readonly leftOut?: LeftOut;
}

/** The metric with the run's overrides (config file, flags) applied. */
export function configured(metric: RollingMetric, context: AnalyzerContext): RollingMetric {
  const health = context.options.health;
  return {
    ...metric,
    window: health?.windows.get(metric.metric) ?? metric.window,
    thresholds: health?.thresholds.get(metric.metric) ?? metric.thresholds,
  };
}

/**
 * `rolling_rate` findings (the current value, globally and per scope) and one `threshold_crossed`
 * finding per crossing. A crossing's id comes from (source, metric, scope, direction, item index
 * and time), so a re-run or an incremental run upserts it instead of repeating it.
 */
export function rollingFindings(
  items: readonly RollingItem[] | RollingColumns,
  base: RollingMetric,
  scopeKind: ScopeKind,
  context: AnalyzerContext,
  options: RollingFindingOptions = {},
): FindingDraft[] {
  const series = isItemList(items)
    ? (spec: RollingSpec) => rollingSeries(items, spec)
    : (spec: RollingSpec) => rollingSeriesOfColumns(items, spec);
  return findingsOfSeries(items.length, series, base, scopeKind, context, options);
}

function isItemList(items: readonly RollingItem[] | RollingColumns): items is readonly RollingItem[] {
  return Array.isArray(items);
}

function findingsOfSeries(
  itemCount: number,
  seriesOf: (spec: RollingSpec) => RollingSeries[],
  base: RollingMetric,
  scopeKind: ScopeKind,
  context: AnalyzerContext,
  options: RollingFindingOptions,
): FindingDraft[] {
  // No items, no finding: an empty input reports `findings: []` (contract). Items that were all
  // left out still give the overall rate (undefined), so the evidence can say how many there were.
  if (itemCount === 0 && (options.leftOut?.count(null) ?? 0) === 0) return [];
  const metric = configured(base, context);
  const series = seriesOf({
    window: metric.window,
    aggregate: metric.aggregate,
    thresholds: metric.thresholds,
    keepPoints: false,
  });
  return series.flatMap((one) => [
    rateFinding(one, metric, scopeKind, context, options.leftOut),
    ...crossingFindings(one, metric, scopeKind, context),
  ]);
}

function scopeOf(scopeKind: ScopeKind, scope: string | null): FindingDraft['scope'] {
  if (scopeKind === 'arm') return { arm: scope };
  return { arm: null, [scopeKind]: scope };
}

function scopeLabel(scopeKind: ScopeKind, scope: string | null): string {
  return scope === null ? 'overall' : `${scopeKind} "${scope}"`;
}

/** `0.8571 (n=50/50)`; a rate whose window is not full yet has no value: `– (n=23/50)`. */
export function formatRate(value: number | null, n: number, window: number): string {
  return `${decimal(value)} (n=${n}/${window})`;
}

export const roundForDisplay = (value: number): string => decimal(value);

function rateFinding(
  series: RollingSeries,
  metric: RollingMetric,
  scopeKind: ScopeKind,
  context: AnalyzerContext,
  leftOut: LeftOut | undefined,
): FindingDraft {
  const current = series.current;
  const n = current?.n ?? 0;
  const value = current?.value ?? null;
  const data: RollingRateData = {
    metric: metric.metric,
    window: metric.window,
    n,
    value,
    state: current?.state ?? 'unknown',
    up: metric.thresholds?.up ?? null,
    down: metric.thresholds?.down ?? null,
    fallback: current?.fallback ?? false,
    items: series.items,
    whole_log_value: series.wholeLog,
  };
  const id = findingId(context.source, ROLLING_RATE, `${metric.metric}:${scopeKind}:${series.scope ?? ''}`);
  const label = scopeLabel(scopeKind, series.scope);
  const levels = metric.thresholds
    ? `; ${stateNote(data.state, value, metric.thresholds.up, metric.thresholds.down)} (up at ${decimal(metric.thresholds.up)}, down at ${decimal(metric.thresholds.down)})`
    : '';
  const fallback = data.fallback ? ` (global window: only ${series.items} ${metric.unit} here)` : '';
  const leftOutCount = leftOut?.count(series.scope) ?? 0;
  const leftOutNote =
    leftOutCount > 0 ? `; ${leftOutCount} ${metric.unit} left out (${leftOut?.reason})` : '';
  return {
    id,
    type: ROLLING_RATE,
    source: context.source,
    description: `${metric.metric} ${label} over the last ${metric.window} ${metric.unit} = ${formatRate(value, n, metric.window)}${levels}.`,
    // A rate that could not be measured (window not full) is no evidence of anything yet.
    confidence: value === null || metric.window === 0 ? 0 : Math.min(1, n / metric.window),
    frequency: n,
    sessions: [],
    evidence: `${metric.metric} = ${formatRate(value, n, metric.window)}${fallback}${leftOutNote}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: 'health',
    project_slug: scopeKind === 'project' ? series.scope : null,
    occurrences: series.items,
    first_seen: series.firstAt === null ? null : isoTime(series.firstAt),
    last_seen: current ? isoTime(current.at) : null,
    scope: scopeOf(scopeKind, series.scope),
    data,
  };
}

function crossingFindings(
  series: RollingSeries,
  metric: RollingMetric,
  scopeKind: ScopeKind,
  context: AnalyzerContext,
): FindingDraft[] {
  const label = scopeLabel(scopeKind, series.scope);
  return series.crossings.map((crossing) => {
    const at = isoTime(crossing.at);
    const data: ThresholdCrossedData = {
      metric: metric.metric,
      direction: crossing.direction,
      value: crossing.value,
      at,
      index: crossing.index,
    };
    const level = crossing.direction === 'up' ? metric.thresholds?.up : metric.thresholds?.down;
    const id = findingId(
      context.source,
      THRESHOLD_CROSSED,
      `${metric.metric}:${scopeKind}:${series.scope ?? ''}:${crossing.direction}:${crossing.index}:${crossing.at}`,
    );
    return {
      id,
      type: THRESHOLD_CROSSED,
      source: context.source,
      description: `${metric.metric} ${label} crossed ${crossing.direction} through ${level} at item #${crossing.index + 1} of its ${metric.unit} (${at}): ${roundForDisplay(crossing.value)}.`,
      confidence: 1,
      frequency: 1,
      sessions: [],
      evidence: `${metric.metric} = ${roundForDisplay(crossing.value)} over the last ${metric.window} ${metric.unit}`,
      verification: verificationCommand(context.source, context.inputs, id),
      theme: 'health',
      project_slug: scopeKind === 'project' ? series.scope : null,
      occurrences: 1,
      first_seen: at,
      last_seen: at,
      scope: scopeOf(scopeKind, series.scope),
      data,
    };
  });
}
