import { canonicalJson } from '../../core/canonical-json.js';
import { argsortByKey } from '../../stats/argsort.js';
import type { DenialRecord, GateDecisionRecord, SuggestionRecord, TaskRecord } from '../records.js';
import type { DispatchTuple, FinalizeTuple } from './segment.js';

/**
 * Joins dispatch and finalize records as ../shared/docs/sources.md §1 defines, independently of
 * the order the lines arrived in: records are collected as they stream past, and every decision
 * that could depend on order is taken in finish() over a canonical order (event time, then the
 * record's own content), so shuffling a log never changes a count or a finding.
 *
 * Records stay in their compact tuple form (segment.ts) throughout, with the join's own per-attempt
 * state in typed arrays, so a large log is held once, not copied into objects.
 */

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
  /** Every gate decision (allowed or denied dispatch), for the deny rate. */
  readonly gateDecisions: GateDecisionRecord[];
}

export interface TaskAttempt {
  readonly attemptId: string;
  readonly dispatchedAt: number;
  readonly outputTokens: number | null;
}

// Tuple positions (segment.ts).
const D_ID = 0;
const D_FINGERPRINT = 1;
const D_ARM = 2;
const D_AT = 3;
const D_ALLOWED = 4;
const F_FINGERPRINT = 0;
const F_ATTEMPT_ID = 1;
const F_ARM = 2;
const F_AT = 3;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNullableNumbers(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

function suggestionKey(finalize: FinalizeTuple): string {
  return finalize[10] === null ? '' : canonicalJson(finalize[10]);
}

/** Total order on finalizes over every field an analyzer reads, so ties resolve the same way always. */
function compareFinalizes(a: FinalizeTuple, b: FinalizeTuple): number {
  return (
    a[F_AT] - b[F_AT] ||
    compareStrings(a[F_ATTEMPT_ID] ?? '', b[F_ATTEMPT_ID] ?? '') ||
    compareStrings(a[F_ARM], b[F_ARM]) ||
    compareStrings(a[4], b[4]) ||
    compareNullableNumbers(a[5], b[5]) ||
    compareNullableNumbers(a[6], b[6]) ||
    compareNullableNumbers(a[7], b[7]) ||
    compareNullableNumbers(a[9], b[9]) ||
    compareNullableNumbers(a[8] === null ? null : Number(a[8]), b[8] === null ? null : Number(b[8])) ||
    // Only exact ties on everything above get here, so the canonical form is computed rarely.
    compareStrings(suggestionKey(a), suggestionKey(b)) ||
    compareNullableNumbers(a[11], b[11])
  );
}

function compareAttempts(a: DispatchTuple, b: DispatchTuple): number {
  return (
    a[D_AT] - b[D_AT] ||
    Number(b[D_ALLOWED]) - Number(a[D_ALLOWED]) ||
    compareStrings(a[D_ARM], b[D_ARM]) ||
    compareStrings(a[D_FINGERPRINT], b[D_FINGERPRINT]) ||
    compareStrings(a[D_ID], b[D_ID])
  );
}

export class DispatchJoin {
  private readonly attempts: DispatchTuple[] = [];
  private readonly finalizes: FinalizeTuple[] = [];
  private readonly denials: DenialRecord[] = [];

  /** `detailed` also keeps which attempt each task joined (export needs it; analyzers do not). */
  constructor(private readonly detailed = false) {}

  addDispatch(tuple: DispatchTuple): void {
    this.attempts.push(tuple);
    const [, , arm, at, allowed, blockReasons, rationalization] = tuple;
    if (!allowed) this.denials.push({ arm, at, blockReasons, rationalization, sessionId: null });
  }

  addFinalize(tuple: FinalizeTuple): void {
    this.finalizes.push(tuple);
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
    const { byId, byFingerprint, attemptNumber } = this.indexAttempts();
    const joinedAttempt = new Uint8Array(this.attempts.length);
    const tasks: TaskRecord[] = [];
    const suggestions: SuggestionRecord[] = [];
    const taskAttempts: TaskAttempt[] = [];

    const join = (finalize: FinalizeTuple, attemptIndex: number): void => {
      const attempt = this.attempts[attemptIndex] as DispatchTuple;
      if (this.detailed) {
        taskAttempts.push({
          attemptId: attempt[D_ID],
          dispatchedAt: attempt[D_AT],
          outputTokens: finalize[11],
        });
      }
      joinedAttempt[attemptIndex] = 1;
      counts.joined += 1;
      tasks.push({
        arm: finalize[F_ARM],
        taskKey: finalize[F_FINGERPRINT],
        attemptNumber: attemptNumber[attemptIndex] as number,
        completedAt: finalize[F_AT],
        status: finalize[4],
        inputTokens: finalize[5],
        cacheReadTokens: finalize[6],
        cacheCreationTokens: finalize[7],
        acceptancePassed: finalize[8],
        msElapsed: finalize[9],
        sessionId: null,
      });
    };
    const keepSuggestion = (finalize: FinalizeTuple): void => {
      const suggestion = finalize[10];
      if (suggestion === null) return;
      suggestions.push({ arm: finalize[F_ARM], at: finalize[F_AT], suggestion, sessionId: null });
    };

    const ordered = canonicalOrder(this.finalizes, F_AT, compareFinalizes);
    // Finalizes naming their attempt claim it first: an id is stronger evidence than a timestamp.
    for (const finalize of ordered) {
      const attemptId = finalize[F_ATTEMPT_ID];
      if (attemptId === null) continue;
      const index = byId.get(attemptId);
      const attempt = index === undefined ? undefined : (this.attempts[index] as DispatchTuple);
      if (
        index === undefined ||
        attempt === undefined ||
        !attempt[D_ALLOWED] ||
        attempt[D_FINGERPRINT] !== finalize[F_FINGERPRINT]
      ) {
        counts.unmatched_finalize += 1;
        keepSuggestion(finalize);
      } else if (joinedAttempt[index] === 1) {
        counts.duplicates += 1;
      } else {
        join(finalize, index);
        keepSuggestion(finalize);
      }
    }
    for (const finalize of ordered) {
      if (finalize[F_ATTEMPT_ID] !== null) continue;
      const candidates = byFingerprint.get(finalize[F_FINGERPRINT]);
      const index = latestOpenAttempt(this.attempts, candidates, joinedAttempt, finalize[F_AT]);
      if (index !== undefined) {
        join(finalize, index);
        keepSuggestion(finalize);
      } else if (anyJoined(candidates, joinedAttempt)) {
        counts.duplicates += 1;
      } else {
        counts.unmatched_finalize += 1;
        keepSuggestion(finalize);
      }
    }
    counts.unmatched_dispatch = counts.dispatch - counts.joined;
    const gateDecisions = this.attempts.map((attempt) => ({
      arm: attempt[D_ARM],
      at: attempt[D_AT],
      key: attempt[D_ID],
      denied: !attempt[D_ALLOWED],
    }));
    return { counts, tasks, denials: this.denials, suggestions, taskAttempts, gateDecisions };
  }

  /**
   * One canonical attempt per attempt id (a repeated id never joins twice and stays unmatched),
   * and per fingerprint the allowed attempts in dispatch order with their attempt numbers.
   */
  private indexAttempts(): {
    byId: Map<string, number>;
    byFingerprint: Map<string, number[]>;
    attemptNumber: Uint32Array;
  } {
    const byId = new Map<string, number>();
    const byFingerprint = new Map<string, number[]>();
    const attemptNumber = new Uint32Array(this.attempts.length);
    for (const index of canonicalOrderIndices(this.attempts, D_AT, compareAttempts)) {
      const attempt = this.attempts[index] as DispatchTuple;
      if (byId.has(attempt[D_ID])) continue;
      byId.set(attempt[D_ID], index);
      if (!attempt[D_ALLOWED]) continue;
      let list = byFingerprint.get(attempt[D_FINGERPRINT]);
      if (list === undefined) {
        list = [];
        byFingerprint.set(attempt[D_FINGERPRINT], list);
      }
      list.push(index);
      attemptNumber[index] = list.length;
    }
    return { byId, byFingerprint, attemptNumber };
  }
}

/** The latest still-open allowed attempt dispatched at or before `at` (candidates are in time order). */
function latestOpenAttempt(
  attempts: readonly DispatchTuple[],
  candidates: readonly number[] | undefined,
  joined: Uint8Array,
  at: number,
): number | undefined {
  if (candidates === undefined) return undefined;
  for (let i = candidates.length - 1; i >= 0; i -= 1) {
    const index = candidates[i] as number;
    if ((attempts[index] as DispatchTuple)[D_AT] <= at && joined[index] === 0) return index;
  }
  return undefined;
}

/**
 * Whether a task with this fingerprint has joined. Every joined attempt is an allowed canonical
 * attempt, so it is among its fingerprint's candidates: no set of joined fingerprints is needed.
 */
function anyJoined(candidates: readonly number[] | undefined, joined: Uint8Array): boolean {
  return candidates?.some((index) => joined[index] === 1) === true;
}

/**
 * Indices of `items` sorted by `compare`, whose first criterion is the time at position `timeAt`:
 * a radix sort on the times, with the full comparison only inside runs of equal times (several
 * times faster than a comparison sort over hundreds of thousands of records).
 */
function canonicalOrderIndices<T extends readonly unknown[]>(
  items: readonly T[],
  timeAt: number,
  compare: (a: T, b: T) => number,
): Uint32Array {
  const times = new Float64Array(items.length);
  for (let i = 0; i < items.length; i += 1) times[i] = (items[i] as T)[timeAt] as number;
  return argsortByKey(times, (a, b) => compare(items[a] as T, items[b] as T));
}

function canonicalOrder<T extends readonly unknown[]>(
  items: readonly T[],
  timeAt: number,
  compare: (a: T, b: T) => number,
): T[] {
  const order = canonicalOrderIndices(items, timeAt, compare);
  const sorted = new Array<T>(order.length);
  for (let i = 0; i < order.length; i += 1) sorted[i] = items[order[i] as number] as T;
  return sorted;
}
