import { LATENCY } from '../analyzers/latency-findings.js';
import { ROLLING_RATE } from '../analyzers/rolling-findings.js';
import { decimal, integer, stateNote } from '../common/format.js';
import { LatencyData, RollingRateData } from '../findings/data.js';
import type { Finding, FindingDraft } from '../findings/schema.js';

/**
 * A snapshot of a source's health: every rolling rate and latency percentile of one run, by a
 * name that includes its scope (`completion_rate`, `completion_rate[arm=coder]`,
 * `ms_elapsed_p95`). `afterburn metrics` prints it, `baseline save` stores it, `compare` diffs two.
 */
export interface SnapshotMetric {
  readonly name: string;
  readonly metric: string;
  readonly scope: string | null;
  readonly value: number | null;
  readonly n: number;
  /** The window of a rolling rate; null for a latency percentile (all values of the run). */
  readonly window: number | null;
  readonly state: 'above' | 'below' | 'unknown' | null;
  readonly fallback: boolean;
  /**
   * The value over the whole log (a latency percentile's value is one already): what compare
   * falls back on when a window is not full. Null when unknown; absent in older baselines.
   */
  readonly whole_log_value?: number | null;
  /** Items of the scope in the log; absent in older baselines. */
  readonly items?: number;
  /** The hysteresis levels of a rolling rate (null without thresholds); absent in older baselines. */
  readonly up?: number | null;
  readonly down?: number | null;
}

/** A finding fresh from an analyzer or read back from the store (its data is parsed here either way). */
type AnyFinding = Pick<FindingDraft | Finding, 'type' | 'scope' | 'data'>;

function scopeOf(finding: AnyFinding): string | null {
  for (const [key, value] of Object.entries(finding.scope)) {
    if (typeof value === 'string') return `${key}=${value}`;
  }
  return null;
}

const named = (metric: string, scope: string | null) => (scope === null ? metric : `${metric}[${scope}]`);

export function snapshotOf(findings: readonly AnyFinding[]): SnapshotMetric[] {
  const metrics: SnapshotMetric[] = [];
  for (const finding of findings) {
    const scope = scopeOf(finding);
    if (finding.type === ROLLING_RATE) {
      const data = RollingRateData.parse(finding.data);
      metrics.push({
        name: named(data.metric, scope),
        metric: data.metric,
        scope,
        value: data.value,
        n: data.n,
        window: data.window,
        state: data.up === null ? null : data.state,
        fallback: data.fallback ?? false,
        whole_log_value: data.whole_log_value ?? null,
        items: data.items ?? data.n,
        up: data.up,
        down: data.down,
      });
    } else if (finding.type === LATENCY) {
      const data = LatencyData.parse(finding.data);
      for (const p of ['p50', 'p95', 'p99'] as const) {
        const metric = `${data.metric}_${p}`;
        metrics.push({
          name: named(metric, scope),
          metric,
          scope,
          value: data[p],
          n: data.n,
          window: null,
          state: null,
          fallback: false,
          whole_log_value: data[p],
          items: data.n,
        });
      }
    }
  }
  // Global metrics first, each followed by its scopes; stable across runs and input orders.
  const order = new Map<string, number>();
  for (const m of metrics) if (!order.has(m.metric)) order.set(m.metric, order.size);
  return metrics.sort(
    (a, b) =>
      (order.get(a.metric) as number) - (order.get(b.metric) as number) ||
      (a.scope === null ? -1 : b.scope === null ? 1 : a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0),
  );
}

/** A health value for people: four decimals at most, the missing glyph when unmeasured. */
export const formatValue = (value: number | null): string => decimal(value);

/** The state of a rolling rate, explained when its levels are known (`above: it has not yet …`). */
export function stateText(metric: SnapshotMetric, form: 'long' | 'short' = 'long'): string | null {
  if (metric.state === null) return null;
  if (typeof metric.up !== 'number' || typeof metric.down !== 'number') return metric.state;
  return stateNote(metric.state, metric.value, metric.up, metric.down, form);
}

/**
 * `first_pass_merge_rate = 0.86 (n=50/50) above: at or over the 0.85 up level`,
 * `rebase_conflict_rate = – (n=23/100) unknown: …`, `ms_elapsed_p95 = 1,234 (n=80)`.
 */
export function formatMetricLine(metric: SnapshotMetric): string {
  const n = metric.window === null ? `n=${metric.n}` : `n=${metric.n}/${metric.window}`;
  const notes = [stateText(metric), metric.fallback ? 'global fallback' : null].filter((x) => x !== null);
  const value = metric.window === null ? integer(metric.value) : formatValue(metric.value);
  return `${metric.name} = ${value} (${n})${notes.length > 0 ? ` ${notes.join(', ')}` : ''}`;
}
