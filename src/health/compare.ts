import type { Limit } from './config.js';
import type { SnapshotMetric } from './snapshot.js';

/**
 * What a delta compares: the last windows of both logs, the whole logs (a window was not full on
 * one side), or nothing (a side has no value either way, or lacks the metric).
 */
export type DeltaBasis = 'window' | 'whole_log' | 'unmeasured';

export interface MetricDelta {
  readonly name: string;
  readonly baseline: number | null;
  readonly current: number | null;
  /** current − baseline; null when either side is undefined. */
  readonly delta: number | null;
  readonly limit: Limit | null;
  readonly breached: boolean;
  readonly basis: DeltaBasis;
  /** Why the basis is not the window, for people ("the baseline holds 23 of a 50-item window"). */
  readonly note: string | null;
}

/** Float noise (0.86 − 0.84 = 0.020000000000000018) must not breach a limit of exactly 0.02. */
const TOLERANCE = 1e-9;

function shortOf(side: string, metric: SnapshotMetric | undefined): string | null {
  if (metric === undefined) return `the ${side} has no such metric`;
  if (metric.value !== null || metric.window === null) return null;
  return `the ${side} holds ${metric.items ?? metric.n} of a ${metric.window}-item window`;
}

function measure(
  before: SnapshotMetric | undefined,
  after: SnapshotMetric | undefined,
): { basis: DeltaBasis; baseline: number | null; current: number | null; note: string | null } {
  if (before !== undefined && after !== undefined && before.value !== null && after.value !== null) {
    return { basis: 'window', baseline: before.value, current: after.value, note: null };
  }
  const why = [shortOf('baseline', before), shortOf('current log', after)].filter((x) => x !== null);
  const wholeBefore = before?.whole_log_value ?? null;
  const wholeAfter = after?.whole_log_value ?? null;
  if (wholeBefore !== null && wholeAfter !== null) {
    return {
      basis: 'whole_log',
      baseline: wholeBefore,
      current: wholeAfter,
      note: `whole-log values compared: ${why.join('; ')}`,
    };
  }
  return {
    basis: 'unmeasured',
    // What each side does know, for people to see; no delta is taken from it.
    baseline: before?.value ?? wholeBefore,
    current: after?.value ?? wholeAfter,
    note: `unmeasured: ${why.length > 0 ? why.join('; ') : 'too few items for a value'}`,
  };
}

/**
 * Deltas of every metric of either snapshot (the baseline's first). A limit is breached when the
 * value dropped by more than `max_drop` or rose by more than `max_rise`. Windowed values are
 * compared when both windows are full; else the whole-log values, when both sides have one; else
 * the metric is unmeasured, which is not a breach but is listed (and fails a compare by default:
 * see unmeasuredGated).
 */
export function compareSnapshots(
  baseline: readonly SnapshotMetric[],
  current: readonly SnapshotMetric[],
  limits: ReadonlyMap<string, Limit>,
): MetricDelta[] {
  const before = new Map(baseline.map((m) => [m.name, m]));
  const after = new Map(current.map((m) => [m.name, m]));
  const names = [...new Set([...before.keys(), ...after.keys()])];
  return names.map((name) => {
    const { basis, baseline: old, current: now, note } = measure(before.get(name), after.get(name));
    const delta = basis === 'unmeasured' || old === null || now === null ? null : now - old;
    const limit = limits.get(name) ?? null;
    const breached =
      delta !== null &&
      limit !== null &&
      ((limit.max_drop !== undefined && -delta > limit.max_drop + TOLERANCE) ||
        (limit.max_rise !== undefined && delta > limit.max_rise + TOLERANCE));
    return { name, baseline: old, current: now, delta, limit, breached, basis, note };
  });
}

/** Metrics with a limit that could not be compared: a gate must not pass on them unseen. */
export function unmeasuredGated(deltas: readonly MetricDelta[]): MetricDelta[] {
  return deltas.filter((d) => d.limit !== null && d.basis === 'unmeasured');
}
