import { ROLLING_RATE, type RollingMetric, rollingFindings } from '../../../analyzers/rolling-findings.js';
import type { Analyzer } from '../../../analyzers/types.js';
import type { FindingDraft } from '../../../findings/schema.js';
import type { GateDecisionRecord, TaskRecord } from '../../../records/records.js';
import {
  asGateDecisionColumns,
  asTaskColumns,
  completedStatuses,
  type GateDecisionColumns,
  type TaskColumns,
} from '../../../records/task-columns.js';
import {
  firstSuccessRows,
  gateDecisionItems,
  ItemBuffers,
  rowsWhere,
  taskItems,
  taskRowOrder,
  tasksInRollingOrder,
} from './dispatch-health-items.js';

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

export const dispatchHealth: Analyzer<{
  tasks: readonly TaskRecord[] | TaskColumns;
  gateDecisions: readonly GateDecisionRecord[] | GateDecisionColumns;
}> = {
  meta: {
    id: 'dispatch-health',
    findingType: ROLLING_RATE,
    description:
      'first-pass success (last 50 tasks), deny rate, acceptance pass rate, p95 attempts to success and completion rate (last 100), per arm with global fallback',
    question: 'Do tasks succeed on their first attempt, and how often does the gate deny?',
  },
  analyze(dataset, context): FindingDraft[] {
    const tasks = asTaskColumns(dataset.tasks);
    const gateDecisions = asGateDecisionColumns(dataset.gateDecisions);
    const completedStatus = completedStatuses(tasks);
    const completed = (row: number) => (completedStatus[tasks.status[row] as number] as number) === 1;
    const completedValue = (row: number) => (completed(row) ? 1 : 0);
    const compareRows = taskRowOrder(tasks);
    const ordered = tasksInRollingOrder(tasks, compareRows);
    const m = DISPATCH_METRICS;
    const firstAttempts = rowsWhere(ordered, (row) => tasks.attemptNumber[row] === 1);
    const judged = rowsWhere(ordered, (row) => tasks.acceptancePassed[row] !== -1);
    const isFirstSuccess = new Uint8Array(tasks.length);
    for (const row of firstSuccessRows(tasks, rowsWhere(ordered, completed))) isFirstSuccess[row] = 1;
    const firsts = rowsWhere(ordered, (row) => isFirstSuccess[row] === 1);
    const buffers = new ItemBuffers(Math.max(tasks.length, gateDecisions.length));
    // One metric at a time: each series is complete before the next metric refills the buffers.
    return [
      ...rollingFindings(
        taskItems(tasks, firstAttempts, completedValue, compareRows, buffers),
        m.firstPass,
        'arm',
        context,
      ),
      ...rollingFindings(gateDecisionItems(gateDecisions, buffers), m.denyRate, 'arm', context),
      ...rollingFindings(
        taskItems(tasks, judged, (row) => tasks.acceptancePassed[row] as number, compareRows, buffers),
        m.acceptance,
        'arm',
        context,
      ),
      ...rollingFindings(
        taskItems(tasks, firsts, (row) => tasks.attemptNumber[row] as number, compareRows, buffers),
        m.attempts,
        'arm',
        context,
      ),
      ...rollingFindings(
        taskItems(tasks, ordered, completedValue, compareRows, buffers),
        m.completion,
        'arm',
        context,
      ),
    ];
  },
};
