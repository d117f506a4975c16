import { canonicalJson } from '../../core/canonical-json.js';
import { argsortByKey } from '../../stats/argsort.js';
import type { DenialRecord, SuggestionRecord, TaskRecord } from '../records.js';
import type { DispatchTuple, FinalizeTuple } from './segment.js';

/**
 * Joins dispatch and finalize records as ../shared/docs/sources.md §1 defines, independently of
 * the order the lines arrived in: records are collected as they stream past, and every decision
 * that could depend on order is taken in finish() over a canonical order (event time, then the
 * record's own content), so shuffling a log never changes a count or a finding.
 */

interface Attempt {
  readonly attemptId: string;
  readonly fingerprint: string;
  readonly arm: string;
  readonly at: number;
  readonly allowed: boolean;
  attemptNumber: number;
  joined: boolean;
}

interface PendingFinalize {
  readonly fingerprint: string;
  readonly attemptId: string | undefined;
  readonly arm: string;
  readonly at: number;
  readonly status: string;
  readonly inputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheCreationTokens: number | null;
  readonly acceptancePassed: boolean | null;
  readonly msElapsed: number | null;
  readonly outputTokens: number | null;
  readonly suggestion: Record<string, unknown> | null;
  /** Only needed to break exact timestamp ties deterministically. */
  readonly suggestionKey: string;
}

export interface JoinCounts {
  dispatch: number;
  finalize: number;
  joined: number;
  denied: number;
  unmatched_dispatch: number;
  unmatched_finalize: number;
  duplicates: number;
}

export interface JoinResult {
  readonly counts: JoinCounts;
  readonly tasks: TaskRecord[];
  readonly denials: DenialRecord[];
  readonly suggestions: SuggestionRecord[];
  /** With `detailed`: per task (same index), the attempt it joined, for export. */
  readonly taskAttempts: TaskAttempt[];
}

export interface TaskAttempt {
  readonly attemptId: string;
  readonly dispatchedAt: number;
  readonly outputTokens: number | null;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNullableNumbers(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

/** Total order on finalizes over every field an analyzer reads, so ties resolve the same way always. */
function compareFinalizes(a: PendingFinalize, b: PendingFinalize): number {
  return (
    a.at - b.at ||
    compareStrings(a.attemptId ?? '', b.attemptId ?? '') ||
    compareStrings(a.arm, b.arm) ||
    compareStrings(a.status, b.status) ||
    compareNullableNumbers(a.inputTokens, b.inputTokens) ||
    compareNullableNumbers(a.cacheReadTokens, b.cacheReadTokens) ||
    compareNullableNumbers(a.cacheCreationTokens, b.cacheCreationTokens) ||
    compareNullableNumbers(a.msElapsed, b.msElapsed) ||
    compareNullableNumbers(
      a.acceptancePassed === null ? null : Number(a.acceptancePassed),
      b.acceptancePassed === null ? null : Number(b.acceptancePassed),
    ) ||
    compareStrings(a.suggestionKey, b.suggestionKey) ||
    compareNullableNumbers(a.outputTokens, b.outputTokens)
  );
}

function compareAttempts(a: Attempt, b: Attempt): number {
  return (
    a.at - b.at ||
    Number(b.allowed) - Number(a.allowed) ||
    compareStrings(a.arm, b.arm) ||
    compareStrings(a.fingerprint, b.fingerprint) ||
    compareStrings(a.attemptId, b.attemptId)
  );
}

export class DispatchJoin {
  /** `detailed` also keeps which attempt each task joined (export needs it; analyzers do not). */
  constructor(private readonly detailed = false) {}

  private readonly attempts: Attempt[] = [];
  private readonly finalizes: PendingFinalize[] = [];
  private readonly denials: DenialRecord[] = [];

  addDispatch([
    attemptId,
    fingerprint,
    arm,
    at,
    allowed,
    blockReasons,
    rationalization,
  ]: DispatchTuple): void {
    this.attempts.push({ attemptId, fingerprint, arm, at, allowed, attemptNumber: 0, joined: false });
    if (!allowed) this.denials.push({ arm, at, blockReasons, rationalization, sessionId: null });
  }

  addFinalize(tuple: FinalizeTuple): void {
    const suggestion = tuple[10];
    this.finalizes.push({
      fingerprint: tuple[0],
      attemptId: tuple[1] ?? undefined,
      arm: tuple[2],
      at: tuple[3],
      status: tuple[4],
      inputTokens: tuple[5],
      cacheReadTokens: tuple[6],
      cacheCreationTokens: tuple[7],
      acceptancePassed: tuple[8],
      msElapsed: tuple[9],
      outputTokens: tuple[11],
      suggestion,
      suggestionKey: suggestion === null ? '' : canonicalJson(suggestion),
    });
  }

  finish(): JoinResult {
    const counts: JoinCounts = {
      dispatch: this.attempts.length,
      finalize: this.finalizes.length,
      joined: 0,
      denied: this.denials.length,
      unmatched_dispatch: 0,
      unmatched_finalize: 0,
      duplicates: 0,
    };
    const { byId, byFingerprint } = this.indexAttempts();
    const tasks: TaskRecord[] = [];
    const suggestions: SuggestionRecord[] = [];
    const joinedFingerprints = new Set<string>();

    const taskAttempts: TaskAttempt[] = [];
    const join = (finalize: PendingFinalize, attempt: Attempt): void => {
      if (this.detailed) {
        taskAttempts.push({
          attemptId: attempt.attemptId,
          dispatchedAt: attempt.at,
          outputTokens: finalize.outputTokens,
        });
      }
      attempt.joined = true;
      joinedFingerprints.add(attempt.fingerprint);
      counts.joined += 1;
      tasks.push({
        arm: finalize.arm,
        taskKey: finalize.fingerprint,
        attemptNumber: attempt.attemptNumber,
        completedAt: finalize.at,
        status: finalize.status,
        inputTokens: finalize.inputTokens,
        cacheReadTokens: finalize.cacheReadTokens,
        cacheCreationTokens: finalize.cacheCreationTokens,
        acceptancePassed: finalize.acceptancePassed,
        msElapsed: finalize.msElapsed,
        sessionId: null,
      });
    };
    const keepSuggestion = (finalize: PendingFinalize): void => {
      if (finalize.suggestion === null) return;
      suggestions.push({
        arm: finalize.arm,
        at: finalize.at,
        suggestion: finalize.suggestion,
        sessionId: null,
      });
    };

    const ordered = canonicalOrder(this.finalizes, compareFinalizes);
    // Finalizes naming their attempt claim it first: an id is stronger evidence than a timestamp.
    for (const finalize of ordered) {
      if (finalize.attemptId === undefined) continue;
      const attempt = byId.get(finalize.attemptId);
      if (attempt === undefined || !attempt.allowed || attempt.fingerprint !== finalize.fingerprint) {
        counts.unmatched_finalize += 1;
        keepSuggestion(finalize);
      } else if (attempt.joined) {
        counts.duplicates += 1;
      } else {
        join(finalize, attempt);
        keepSuggestion(finalize);
      }
    }
    for (const finalize of ordered) {
      if (finalize.attemptId !== undefined) continue;
      const attempt = latestOpenAttempt(byFingerprint.get(finalize.fingerprint), finalize.at);
      if (attempt !== undefined) {
        join(finalize, attempt);
        keepSuggestion(finalize);
      } else if (joinedFingerprints.has(finalize.fingerprint)) {
        counts.duplicates += 1;
      } else {
        counts.unmatched_finalize += 1;
        keepSuggestion(finalize);
      }
    }
    counts.unmatched_dispatch = counts.dispatch - counts.joined;
    return { counts, tasks, denials: this.denials, suggestions, taskAttempts };
  }

  /**
   * One canonical attempt per attempt id (a repeated id never joins twice and stays unmatched),
   * and per fingerprint the allowed attempts in dispatch order with their attempt numbers.
   */
  private indexAttempts(): { byId: Map<string, Attempt>; byFingerprint: Map<string, Attempt[]> } {
    const byId = new Map<string, Attempt>();
    const byFingerprint = new Map<string, Attempt[]>();
    for (const attempt of canonicalOrder(this.attempts, compareAttempts)) {
      if (byId.has(attempt.attemptId)) continue;
      byId.set(attempt.attemptId, attempt);
      if (!attempt.allowed) continue;
      let list = byFingerprint.get(attempt.fingerprint);
      if (list === undefined) {
        list = [];
        byFingerprint.set(attempt.fingerprint, list);
      }
      list.push(attempt);
      attempt.attemptNumber = list.length;
    }
    return { byId, byFingerprint };
  }
}

/** The latest still-open allowed attempt dispatched at or before `at` (attempts are in time order). */
function latestOpenAttempt(attempts: Attempt[] | undefined, at: number): Attempt | undefined {
  if (attempts === undefined) return undefined;
  for (let i = attempts.length - 1; i >= 0; i -= 1) {
    const attempt = attempts[i] as Attempt;
    if (attempt.at <= at && !attempt.joined) return attempt;
  }
  return undefined;
}

/**
 * `items` sorted by `compare`, whose first criterion is the event time `at`: a radix sort on the
 * times, with the full comparison only inside runs of equal times (several times faster than a
 * comparison sort over hundreds of thousands of records).
 */
function canonicalOrder<T extends { readonly at: number }>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
): T[] {
  const times = new Float64Array(items.length);
  for (let i = 0; i < items.length; i += 1) times[i] = (items[i] as T).at;
  const order = argsortByKey(times, (a, b) => compare(items[a] as T, items[b] as T));
  const sorted = new Array<T>(items.length);
  for (let i = 0; i < order.length; i += 1) sorted[i] = items[order[i] as number] as T;
  return sorted;
}
