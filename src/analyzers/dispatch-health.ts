import type { FindingDraft } from '../findings/schema.js';
import type { GateDecisionRecord, TaskRecord } from '../sources/records.js';
import type { RollingItem } from '../stats/rolling.js';
import { ROLLING_RATE, type RollingMetric, rollingFindings } from './rolling-findings.js';
import type { Analyzer } from './types.js';

const COMPLETED = 'completed';

/** The health rates of dispatch-outcomes (sources.md §1, "Health"), with their default windows. */
export const DISPATCH_METRICS = {
  firstPass: {
    metric: 'first_pass_success_rate',
    unit: 'tasks',
    window: 50,
    aggregate: { kind: 'share' },
    // The same levels as the merge queue's first pass: trust more above 85%, less under 70%.
    thresholds: { up: 0.85, down: 0.7 },
  },
  denyRate: {
    metric: 'deny_rate',
    unit: 'dispatches',
    window: 100,
    aggregate: { kind: 'share' },
    thresholds: null,
  },
  acceptance: {
    metric: 'acceptance_pass_rate',
    unit: 'tasks',
    window: 100,
    aggregate: { kind: 'share' },
    thresholds: null,
  },
  attempts: {
    metric: 'p95_attempts_to_success',
    unit: 'tasks',
    window: 100,
    aggregate: { kind: 'quantile', p: 0.95 },
    thresholds: null,
  },
  completion: {
    metric: 'completion_rate',
    unit: 'attempts',
    window: 100,
    aggregate: { kind: 'share' },
    thresholds: null,
  },
} as const satisfies Record<string, RollingMetric>;

function taskItem(task: TaskRecord, value: number): RollingItem {
  return { at: task.completedAt, key: `${task.taskKey}\u0000${task.attemptNumber}`, scope: task.arm, value };
}

/** Per fingerprint, the first attempt that completed: its attempt number is the attempts to success. */
function firstSuccesses(tasks: readonly TaskRecord[]): TaskRecord[] {
  const first = new Map<string, TaskRecord>();
  for (const task of tasks) {
    if (task.status !== COMPLETED) continue;
    const known = first.get(task.taskKey);
    if (known === undefined || task.attemptNumber < known.attemptNumber) first.set(task.taskKey, task);
  }
  return [...first.values()];
}

export const dispatchHealth: Analyzer<{
  tasks: readonly TaskRecord[];
  gateDecisions: readonly GateDecisionRecord[];
}> = {
  meta: {
    id: 'dispatch-health',
    findingType: ROLLING_RATE,
    description:
      'first-pass success (last 50 tasks), deny rate, acceptance pass rate, p95 attempts to success and completion rate (last 100), per arm with global fallback',
    question: 'Do tasks succeed on their first attempt, and how often does the gate deny?',
  },
  analyze(dataset, context): FindingDraft[] {
    const { tasks, gateDecisions } = dataset;
    const m = DISPATCH_METRICS;
    return [
      ...rollingFindings(
        tasks.filter((t) => t.attemptNumber === 1).map((t) => taskItem(t, t.status === COMPLETED ? 1 : 0)),
        m.firstPass,
        'arm',
        context,
      ),
      ...rollingFindings(
        gateDecisions.map((d) => ({ at: d.at, key: d.key, scope: d.arm, value: d.denied ? 1 : 0 })),
        m.denyRate,
        'arm',
        context,
      ),
      ...rollingFindings(
        tasks.filter((t) => t.acceptancePassed !== null).map((t) => taskItem(t, t.acceptancePassed ? 1 : 0)),
        m.acceptance,
        'arm',
        context,
      ),
      ...rollingFindings(
        firstSuccesses(tasks).map((t) => taskItem(t, t.attemptNumber)),
        m.attempts,
        'arm',
        context,
      ),
      ...rollingFindings(
        tasks.map((t) => taskItem(t, t.status === COMPLETED ? 1 : 0)),
        m.completion,
        'arm',
        context,
      ),
    ];
  },
};
