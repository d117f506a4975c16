import type { LatencyData } from '../findings/data.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import type { TaskRecord } from '../records/records.js';
import { asTaskColumns, type TaskColumns } from '../records/task-columns.js';
import { percentilesOf, percentilesOfSorted } from './percentiles.js';
import { armGroups, formatInteger, TimeRange, verificationCommand } from './shared.js';
import type { Analyzer, AnalyzerContext } from './types.js';

export const LATENCY = 'latency';

/**
 * A percentile is reported only when at least one point can lie above it: n ≥ 1 / (1 − p), so
 * p50 needs 2 points, p95 20 and p99 100. Below that a "p99" would just be the maximum.
 */
export function minimumSamplesFor(p: number): number {
  return Math.ceil(1 / (1 - p) - 1e-9);
}

/** R type-7 percentiles of durations in ms; null where there are too few points to mean anything. */
export function latencyData(metric: string, values: readonly number[]): LatencyData {
  return { metric, n: values.length, ...percentilesOf(values, minimumSamplesFor) };
}

/** `latencyData` of durations already in ascending order. */
function latencyDataOfSorted(metric: string, sorted: Float64Array): LatencyData {
  return { metric, n: sorted.length, ...percentilesOfSorted(sorted, minimumSamplesFor) };
}

function formatMs(value: number | null): string {
  return value === null ? 'n/a' : `${formatInteger(value)} ms`;
}

/** The durations of one scope, in row order (toFinding sorts them in place), and their time range. */
class TimedValues {
  readonly values: Float64Array;
  private count = 0;
  readonly range = new TimeRange();

  constructor(size: number) {
    this.values = new Float64Array(size);
  }

  add(value: number, at: number): void {
    this.values[this.count] = value;
    this.count += 1;
    this.range.add(at);
  }
}

function toFinding(
  arm: string | null,
  timed: TimedValues,
  metric: string,
  context: AnalyzerContext,
): FindingDraft {
  // Native numeric sort of a typed array: no comparator calls, no boxing.
  const data = latencyDataOfSorted(metric, timed.values.sort());
  const scope = arm === null ? 'all arms' : `arm "${arm}"`;
  const id = findingId(context.source, LATENCY, `${metric}:${arm === null ? 'global' : `arm:${arm}`}`);
  return {
    id,
    type: LATENCY,
    source: context.source,
    description: `Task latency for ${scope}: p50 ${formatMs(data.p50)}, p95 ${formatMs(data.p95)} (n = ${data.n}).`,
    // No percentile at all (too few values) is no measurement: like an unfilled rate window.
    confidence: data.p50 === null ? 0 : Math.min(1, data.n / 100),
    frequency: data.n,
    sessions: [],
    evidence: `n = ${data.n}; p50 ${formatMs(data.p50)}, p95 ${formatMs(data.p95)}, p99 ${formatMs(data.p99)} (a percentile p needs n ≥ 1/(1−p))`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: 'latency',
    project_slug: null,
    occurrences: data.n,
    first_seen: timed.range.first,
    last_seen: timed.range.last,
    scope: { arm },
    data,
  };
}

/** Wall-clock duration of every finished task (whatever its status), per arm and overall. */
export const latency: Analyzer<{ readonly tasks: readonly TaskRecord[] | TaskColumns }> = {
  meta: {
    id: LATENCY,
    findingType: LATENCY,
    description: 'p50/p95/p99 of the wall-clock duration of finished tasks, per arm and overall',
    question: 'How long do tasks take, typically and in the slow tail?',
  },
  analyze(dataset, context) {
    const metric = 'ms_elapsed';
    const tasks = asTaskColumns(dataset.tasks);
    const { msElapsed, arm, completedAt } = tasks;
    // Count first, then fill exact-size arrays.
    const { names, groupOfArm } = armGroups(tasks.arms);
    const counts = new Uint32Array(names.length);
    let total = 0;
    for (let row = 0; row < tasks.length; row++) {
      if (Number.isNaN(msElapsed[row])) continue;
      total += 1;
      const group = groupOfArm[arm[row] as number] as number;
      counts[group] = (counts[group] as number) + 1;
    }
    if (total === 0) return [];
    const all = new TimedValues(total);
    const perArm = Array.from(counts, (count) => new TimedValues(count));
    for (let row = 0; row < tasks.length; row++) {
      const value = msElapsed[row] as number;
      if (Number.isNaN(value)) continue;
      const at = completedAt[row] as number;
      all.add(value, at);
      (perArm[groupOfArm[arm[row] as number] as number] as TimedValues).add(value, at);
    }
    return [
      toFinding(null, all, metric, context),
      ...names.flatMap((name, group) =>
        (counts[group] as number) > 0 ? [toFinding(name, perArm[group] as TimedValues, metric, context)] : [],
      ),
    ];
  },
};
