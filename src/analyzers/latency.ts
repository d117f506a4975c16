import type { LatencyData } from '../findings/data.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import type { TaskRecord } from '../sources/records.js';
import { percentilesOf } from './percentiles.js';
import { formatInteger, TimeRange, verificationCommand } from './shared.js';
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

function formatMs(value: number | null): string {
  return value === null ? 'n/a' : `${formatInteger(value)} ms`;
}

function toFinding(
  arm: string | null,
  tasks: readonly TaskRecord[],
  metric: string,
  context: AnalyzerContext,
): FindingDraft {
  const values = tasks.map((task) => task.msElapsed as number);
  const data = latencyData(metric, values);
  const range = new TimeRange();
  for (const task of tasks) range.add(task.completedAt);
  const scope = arm === null ? 'all arms' : `arm "${arm}"`;
  const id = findingId(context.source, LATENCY, `${metric}:${arm === null ? 'global' : `arm:${arm}`}`);
  return {
    id,
    type: LATENCY,
    source: context.source,
    description: `Task latency for ${scope}: p50 ${formatMs(data.p50)}, p95 ${formatMs(data.p95)} (n = ${data.n}).`,
    confidence: Math.min(1, data.n / 100),
    frequency: data.n,
    sessions: [],
    evidence: `n = ${data.n}; p50 ${formatMs(data.p50)}, p95 ${formatMs(data.p95)}, p99 ${formatMs(data.p99)} (a percentile p needs n ≥ 1/(1−p))`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: 'latency',
    project_slug: null,
    occurrences: data.n,
    first_seen: range.first,
    last_seen: range.last,
    scope: { arm },
    data,
  };
}

/** Wall-clock duration of every finished task (whatever its status), per arm and overall. */
export const latency: Analyzer<{ readonly tasks: readonly TaskRecord[] }> = {
  meta: {
    id: LATENCY,
    findingType: LATENCY,
    description: 'p50/p95/p99 of the wall-clock duration of finished tasks, per arm and overall',
    question: 'How long do tasks take, typically and in the slow tail?',
  },
  analyze(dataset, context) {
    const metric = 'ms_elapsed';
    const timed = dataset.tasks.filter((task) => task.msElapsed !== null);
    if (timed.length === 0) return [];
    const perArm = new Map<string, TaskRecord[]>();
    for (const task of timed) {
      const list = perArm.get(task.arm);
      if (list === undefined) perArm.set(task.arm, [task]);
      else list.push(task);
    }
    return [
      toFinding(null, timed, metric, context),
      ...[...perArm.keys()]
        .sort()
        .map((arm) => toFinding(arm, perArm.get(arm) as TaskRecord[], metric, context)),
    ];
  },
};
