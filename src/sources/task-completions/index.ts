import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { canonicalJson } from '../../common/canonical-json.js';
import { describeIssue } from '../../common/zod-issue.js';
import type { TaskRecord } from '../../records/records.js';
import { LineTally } from '../counts.js';
import { parseJsonObject } from '../json-line.js';
import {
  defineSource,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { contextPressure } from './analyzers/context-pressure.js';
import { estimateAccuracy } from './analyzers/estimate-accuracy.js';
import { qualityGateFriction } from './analyzers/quality-gates.js';
import { taskOutcomeRates } from './analyzers/task-outcomes.js';
import { normaliseFieldNames, TaskCompletionEvent } from './schema.js';

export const TASK_COMPLETIONS = 'task-completions';

export interface TaskCompletionDataset {
  /** One per distinct event_id, in (timestamp, event_id) order. */
  readonly events: readonly TaskCompletionEvent[];
  /** The same events as common task records, for the shared efficiency-trend analyzer. */
  readonly tasks: readonly TaskRecord[];
}

/**
 * The efficiency trend counts a task as done when its status is `completed`; here that is an
 * event whose outcome is `success`. The quality gate stands in for the acceptance command, so
 * `--require-acceptance` keeps only successes whose gates passed.
 */
export function toTaskRecord(event: TaskCompletionEvent): TaskRecord {
  return {
    arm: event.harness,
    taskKey: event.event_id,
    attemptNumber: (event.retry_count ?? 0) + 1,
    completedAt: event.timestamp,
    status: event.outcome === 'success' ? 'completed' : event.outcome,
    inputTokens: event.actual_input_tokens ?? null,
    cacheReadTokens: null,
    cacheCreationTokens: null,
    acceptancePassed: event.quality_gate_passed ?? null,
    msElapsed: event.task_duration_ms ?? null,
    sessionId: null,
  };
}

/** Of two events with one event_id, the one kept does not depend on line order. */
function preferred(a: TaskCompletionEvent, b: TaskCompletionEvent): TaskCompletionEvent {
  return a.timestamp !== b.timestamp
    ? a.timestamp < b.timestamp
      ? a
      : b
    : canonicalJson(a) <= canonicalJson(b)
      ? a
      : b;
}

function byTimeThenId(a: TaskCompletionEvent, b: TaskCompletionEvent): number {
  return a.timestamp - b.timestamp || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);
}

function open(diagnostics: SourceDiagnostics): SourceSession<TaskCompletionDataset> {
  const byId = new Map<string, TaskCompletionEvent>();
  const tally = new LineTally(diagnostics);
  const skip = tally.skip;
  let events = 0;
  let duplicates = 0;

  return {
    acceptLine(text, location) {
      if (!tally.hasContent(text)) return;
      const parsed = parseJsonObject(text);
      if ('problem' in parsed) return skip(location, parsed.problem);
      const result = TaskCompletionEvent.safeParse(normaliseFieldNames(parsed.value));
      if (!result.success) return skip(location, `task completion ${describeIssue(result.error)}`);
      events += 1;
      const event = result.data;
      const earlier = byId.get(event.event_id);
      if (earlier !== undefined) {
        duplicates += 1;
        byId.set(event.event_id, preferred(earlier, event));
        return;
      }
      byId.set(event.event_id, event);
    },

    rejectLine(location, reason) {
      tally.reject(location, reason);
    },

    finish() {
      const sorted = [...byId.values()].sort(byTimeThenId);
      return {
        counts: tally.counts(duplicates, { events }),
        dataset: { events: sorted, tasks: sorted.map(toTaskRecord) },
      };
    },
  };
}

export const taskCompletionsAdapter: SourceAdapter<TaskCompletionDataset> = {
  name: TASK_COMPLETIONS,
  description:
    'orchestrator task-completion events: estimates vs actuals, quality gates, context pressure, outcome',
  pathEnvVar: pathEnvVarFor(TASK_COMPLETIONS),
  // An export the user points at: there is no standard location to guess.
  defaultPaths: () => [],
  analyzers: [estimateAccuracy, qualityGateFriction, taskOutcomeRates, contextPressure, efficiencyTrend],
  open,
};

export const taskCompletions = defineSource(taskCompletionsAdapter);
