import { z } from 'zod';
import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { canonicalJson } from '../../common/canonical-json.js';
import { describeIssue } from '../../common/zod-issue.js';
import { corruptIncrementalState } from '../../findings/state-file.js';
import type { TaskRecord } from '../../records/records.js';
import { eventSourceCounts, LineTally } from '../counts.js';
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

/**
 * What an incremental run keeps of one input: its line counts and its valid events in line order
 * (as validated, so a restore need not parse the lines again). Duplicates are not resolved here:
 * which of two events is kept does not depend on their order (preferred), so merging the inputs'
 * events at the end gives what one pass over every line would.
 */
const Count = z.int().nonnegative();
const StoredInput = z.object({
  lines: Count,
  blank: Count,
  skipped: Count,
  events: z.array(TaskCompletionEvent),
});
type StoredInput = z.infer<typeof StoredInput>;

function loadInput(saved: unknown): StoredInput {
  const parsed = StoredInput.safeParse(saved);
  if (parsed.success) return parsed.data;
  throw corruptIncrementalState(TASK_COMPLETIONS, describeIssue(parsed.error));
}

/** Distinct events by event_id, keeping the preferred of duplicates, and how many were duplicates. */
class EventSet {
  readonly byId = new Map<string, TaskCompletionEvent>();
  events = 0;
  duplicates = 0;

  add(event: TaskCompletionEvent): void {
    this.events += 1;
    const earlier = this.byId.get(event.event_id);
    if (earlier === undefined) {
      this.byId.set(event.event_id, event);
      return;
    }
    this.duplicates += 1;
    this.byId.set(event.event_id, preferred(earlier, event));
  }
}

function open(diagnostics: SourceDiagnostics): SourceSession<TaskCompletionDataset> {
  const all = new EventSet();
  // This run's lines on their own (counts_this_run).
  const fresh = new EventSet();
  const tally = new LineTally(diagnostics);
  const skip = tally.skip;
  const restored = { lines: 0, blank: 0, skipped: 0 };
  // The input being read in an incremental run: what it had before, its tally then, its new events.
  let current: {
    saved: StoredInput | null;
    start: ReturnType<LineTally['lineCounts']>;
    events: TaskCompletionEvent[];
  } | null = null;

  return {
    acceptLine(text, location) {
      if (!tally.hasContent(text)) return;
      const parsed = parseJsonObject(text);
      if ('problem' in parsed) return skip(location, parsed.problem);
      const result = TaskCompletionEvent.safeParse(normaliseFieldNames(parsed.value));
      if (!result.success) return skip(location, `task completion ${describeIssue(result.error)}`);
      all.add(result.data);
      fresh.add(result.data);
      current?.events.push(result.data);
    },

    rejectLine(location, reason) {
      tally.reject(location, reason);
    },

    beginInput(saved) {
      const stored = saved === undefined || saved === null ? null : loadInput(saved);
      if (stored !== null) {
        restored.lines += stored.lines;
        restored.blank += stored.blank;
        restored.skipped += stored.skipped;
        for (const event of stored.events) all.add(event);
      }
      current = { saved: stored, start: tally.lineCounts(), events: [] };
    },

    endInput() {
      if (current === null) return undefined;
      const now = tally.lineCounts();
      const before = current.saved ?? { lines: 0, blank: 0, skipped: 0, events: [] };
      const stored: StoredInput = {
        lines: before.lines + now.lines - current.start.lines,
        blank: before.blank + now.blank - current.start.blank,
        skipped: before.skipped + now.skipped - current.start.skipped,
        events: before.events.length === 0 ? current.events : [...before.events, ...current.events],
      };
      current = null;
      return stored;
    },

    finish() {
      const sorted = [...all.byId.values()].sort(byTimeThenId);
      const read = tally.lineCounts();
      const lines = {
        lines: read.lines + restored.lines,
        blank: read.blank + restored.blank,
        skipped: read.skipped + restored.skipped,
      };
      const counts = eventSourceCounts({ ...lines, duplicates: all.duplicates }, { events: all.events });
      return {
        counts,
        countsThisRun: tally.counts(fresh.duplicates, { events: fresh.events }),
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
  incremental: true,
  checkSaved: (saved) => {
    loadInput(saved);
  },
  open,
};

export const taskCompletions = defineSource(taskCompletionsAdapter);
