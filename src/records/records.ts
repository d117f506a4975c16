import type { GateDecisionColumns, TaskColumns } from './columns.js';

/**
 * The common records every source adapter produces and every analyzer reads. A source maps its
 * own log format onto these; analyzers never see a source's raw lines.
 */

/** One unit of agent work that finished: a joined dispatch + finalize, a subagent result, … */
export interface TaskRecord {
  /** The agent arm that did the work (agent name, subagent type, harness, …). */
  readonly arm: string;
  /** Join key of the task (prompt fingerprint); retries of one task share it. */
  readonly taskKey: string;
  /** 1 for the first allowed attempt of the task, 2 for its first retry, … */
  readonly attemptNumber: number;
  readonly completedAt: number;
  readonly status: string;
  readonly inputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheCreationTokens: number | null;
  readonly acceptancePassed: boolean | null;
  readonly msElapsed: number | null;
  readonly sessionId: string | null;
}

/** A dispatch the gate refused. */
export interface DenialRecord {
  readonly arm: string;
  readonly at: number;
  readonly blockReasons: readonly string[];
  readonly rationalization: string | null;
  readonly sessionId: string | null;
}

/** A capability/registry change a producer proposed. */
export interface SuggestionRecord {
  readonly arm: string;
  readonly at: number;
  /** The suggestion exactly as parsed (may hold keys such as `__proto__` as plain own keys). */
  readonly suggestion: Record<string, unknown>;
  readonly sessionId: string | null;
}

/** One gate decision (allowed or denied dispatch), the denominator of the deny rate. */
export interface GateDecisionRecord {
  readonly arm: string;
  readonly at: number;
  /** The attempt id: breaks ties between decisions at the same time. */
  readonly key: string;
  readonly denied: boolean;
}

/** A work item that reached merge (merge-queue). */
export interface MergeRecord {
  readonly workItemId: string;
  readonly project: string | null;
  readonly storyId: string | null;
  /** Attempts it took, 1 = merged on the first pass. */
  readonly attempts: number;
  /** The final pre-merge verdict (`approved`, `rebase_conflict`, …). */
  readonly lastVerdict: string | null;
  readonly mergedAt: number;
}

export interface Dataset {
  readonly tasks: readonly TaskRecord[];
  readonly denials: readonly DenialRecord[];
  readonly suggestions: readonly SuggestionRecord[];
}

/**
 * The dispatch-outcomes dataset: tasks and gate decisions in columns (a log holds millions of
 * them), denials and registry suggestions as records (there are few).
 */
export interface DispatchDataset {
  readonly tasks: TaskColumns;
  readonly denials: readonly DenialRecord[];
  readonly suggestions: readonly SuggestionRecord[];
  readonly gateDecisions: GateDecisionColumns;
}

/** A unit of agent work that ended in an error (a failed subagent call, …), with its grouped reason. */
export interface FailureRecord {
  readonly arm: string;
  /** Event time of the failure; null when an old log carries no timestamp. */
  readonly at: number | null;
  /** The error grouped into a short reason ("agent type not found", "interrupted", …). */
  readonly reason: string;
  readonly sessionId: string | null;
}
