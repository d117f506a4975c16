import { compareText } from '../../common/compare.js';
import { compareKeyHashes } from '../../records/key-hash.js';
import { KeyIndex } from '../../records/key-index.js';
import type { DenialRecord, SuggestionRecord } from '../../records/records.js';
import type { GateDecisionColumns, TaskColumns } from '../../records/task-columns.js';
import { argsortByKey } from '../../stats/argsort.js';
import type { DispatchColumns, Segment } from './segment.js';
import { CompactDictionary, TaskBuilder } from './task-builder.js';

/**
 * Joins dispatch and finalize records as ../shared/docs/sources.md §1 defines, independently of
 * the order the lines arrived in: every decision that could depend on order is taken over a
 * canonical order (event time, then the record's own content), so shuffling a log never changes a
 * count or a finding. It reads the segment's columns and writes columns: no object per record.
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
  readonly tasks: TaskColumns;
  readonly denials: DenialRecord[];
  readonly suggestions: SuggestionRecord[];
  /** Every gate decision (allowed or denied dispatch), for the deny rate. */
  readonly gateDecisions: GateDecisionColumns;
  /** Per task (same index), the dispatch row and the finalize row it joined (export). */
  readonly taskRows: { readonly dispatch: Uint32Array; readonly finalize: Uint32Array };
}

/** Unknown (NaN) first, then ascending. */
function compareNullable(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

/** Canonical attempt order: time, allowed before denied, agent, fingerprint, attempt id. */
function attemptOrder(segment: Segment): Uint32Array {
  const d = segment.dispatches;
  const arms = segment.arms;
  return argsortByKey(
    d.at,
    (a, b) =>
      (d.allowed[b] as number) - (d.allowed[a] as number) ||
      compareText(arms[d.arm[a] as number] as string, arms[d.arm[b] as number] as string) ||
      compareKeyHashes(d.fpHi, d.fpLo, a, b) ||
      compareKeyHashes(d.idHi, d.idLo, a, b),
  );
}

/** Canonical finalize order: a total order over every field an analyzer reads. */
function finalizeOrder(segment: Segment): Uint32Array {
  const f = segment.finalizes;
  const { arms, statuses, suggestions } = segment;
  const suggestionText = (row: number): string => suggestions[f.suggestion[row] as number] ?? '';
  return argsortByKey(
    f.at,
    (a, b) =>
      (f.hasId[a] as number) - (f.hasId[b] as number) ||
      compareKeyHashes(f.idHi, f.idLo, a, b) ||
      compareText(arms[f.arm[a] as number] as string, arms[f.arm[b] as number] as string) ||
      compareText(statuses[f.status[a] as number] as string, statuses[f.status[b] as number] as string) ||
      compareNullable(f.inputTokens[a] as number, f.inputTokens[b] as number) ||
      compareNullable(f.cacheReadTokens[a] as number, f.cacheReadTokens[b] as number) ||
      compareNullable(f.cacheCreationTokens[a] as number, f.cacheCreationTokens[b] as number) ||
      compareNullable(f.msElapsed[a] as number, f.msElapsed[b] as number) ||
      (f.acceptance[a] as number) - (f.acceptance[b] as number) ||
      compareText(suggestionText(a), suggestionText(b)) ||
      compareNullable(f.outputTokens[a] as number, f.outputTokens[b] as number),
  );
}

/**
 * Per attempt id its one canonical attempt (a repeated id never joins twice), and per fingerprint
 * the allowed attempts in dispatch order as a chain from the latest back, with attempt numbers.
 */
class AttemptIndex {
  readonly byId: KeyIndex;
  readonly latestByFingerprint: KeyIndex;
  readonly previousSameFingerprint: Int32Array;
  readonly attemptNumber: Uint32Array;

  constructor(d: DispatchColumns, order: Uint32Array) {
    this.byId = new KeyIndex(d.length);
    this.latestByFingerprint = new KeyIndex(d.length);
    this.previousSameFingerprint = new Int32Array(d.length).fill(-1);
    this.attemptNumber = new Uint32Array(d.length);
    for (const row of order) {
      const idHi = d.idHi[row] as number;
      const idLo = d.idLo[row] as number;
      if (this.byId.get(idHi, idLo) !== -1) continue;
      this.byId.set(idHi, idLo, row);
      if (d.allowed[row] === 0) continue;
      const fpHi = d.fpHi[row] as number;
      const fpLo = d.fpLo[row] as number;
      const previous = this.latestByFingerprint.get(fpHi, fpLo);
      this.previousSameFingerprint[row] = previous;
      this.attemptNumber[row] = previous === -1 ? 1 : (this.attemptNumber[previous] as number) + 1;
      this.latestByFingerprint.set(fpHi, fpLo, row);
    }
  }
}

/**
 * With `consume`, the task columns are gathered into the segment's own finalize columns (one
 * scratch column at a time) instead of new ones, so a large log's tasks cost no second copy: for
 * a caller that drops the segment right after (discover), never for one that reads it on (export).
 */
export function joinSegment(segment: Segment, options: { consume?: boolean } = {}): JoinResult {
  const d = segment.dispatches;
  const f = segment.finalizes;
  const counts: JoinCounts = {
    dispatch: d.length,
    finalize: f.length,
    joined: 0,
    denied: 0,
    unmatched_dispatch: 0,
    unmatched_finalize: 0,
    duplicates: 0,
  };
  const attempts = attemptOrder(segment);
  const index = new AttemptIndex(d, attempts);
  const joined = new Uint8Array(d.length);
  const tasks = new TaskBuilder(segment, f.length);
  const suggestions = new SuggestionCollector(segment);

  const join = (finalizeRow: number, dispatchRow: number): void => {
    joined[dispatchRow] = 1;
    counts.joined += 1;
    tasks.add(finalizeRow, dispatchRow, index.attemptNumber[dispatchRow] as number);
    suggestions.keep(finalizeRow);
  };

  const ordered = finalizeOrder(segment);
  // Finalizes naming their attempt claim it first: an id is stronger evidence than a timestamp.
  for (const row of ordered) {
    if (f.hasId[row] === 0) continue;
    const attempt = index.byId.get(f.idHi[row] as number, f.idLo[row] as number);
    if (
      attempt === -1 ||
      d.allowed[attempt] === 0 ||
      d.fpHi[attempt] !== f.fpHi[row] ||
      d.fpLo[attempt] !== f.fpLo[row]
    ) {
      counts.unmatched_finalize += 1;
      suggestions.keep(row);
    } else if (joined[attempt] === 1) {
      counts.duplicates += 1;
    } else {
      join(row, attempt);
    }
  }
  for (const row of ordered) {
    if (f.hasId[row] === 1) continue;
    const latest = index.latestByFingerprint.get(f.fpHi[row] as number, f.fpLo[row] as number);
    let open = -1;
    let anyJoined = false;
    // The latest still-open allowed attempt dispatched at or before the finalize.
    for (let attempt = latest; attempt !== -1; attempt = index.previousSameFingerprint[attempt] as number) {
      if (joined[attempt] === 1) anyJoined = true;
      else if (open === -1 && (d.at[attempt] as number) <= (f.at[row] as number)) open = attempt;
    }
    if (open !== -1) {
      join(row, open);
    } else if (anyJoined) {
      counts.duplicates += 1;
    } else {
      counts.unmatched_finalize += 1;
      suggestions.keep(row);
    }
  }
  counts.unmatched_dispatch = counts.dispatch - counts.joined;
  const denials = collectDenials(segment, attempts);
  counts.denied = denials.length;
  return {
    counts,
    ...tasks.build(options.consume === true),
    denials,
    suggestions: suggestions.records,
    gateDecisions: gateDecisions(segment),
  };
}

/** Suggested registry edits as records; one parsed object per distinct edit, shared by its records. */
class SuggestionCollector {
  readonly records: SuggestionRecord[] = [];
  private readonly parsed = new Map<number, Record<string, unknown>>();

  constructor(private readonly segment: Segment) {}

  keep(finalizeRow: number): void {
    const f = this.segment.finalizes;
    const id = f.suggestion[finalizeRow] as number;
    if (id === -1) return;
    let suggestion = this.parsed.get(id);
    if (suggestion === undefined) {
      suggestion = JSON.parse(this.segment.suggestions[id] as string) as Record<string, unknown>;
      this.parsed.set(id, suggestion);
    }
    this.records.push({
      arm: this.segment.arms[f.arm[finalizeRow] as number] as string,
      at: f.at[finalizeRow] as number,
      suggestion,
      sessionId: null,
    });
  }
}

function collectDenials(segment: Segment, attempts: Uint32Array): DenialRecord[] {
  const d = segment.dispatches;
  const lists = new Map<number, readonly string[]>();
  const reasonsOf = (id: number): readonly string[] => {
    if (id === -1) return [];
    let list = lists.get(id);
    if (list === undefined) {
      list = JSON.parse(segment.reasonLists[id] as string) as string[];
      lists.set(id, list);
    }
    return list;
  };
  const denials: DenialRecord[] = [];
  for (const row of attempts) {
    if (d.allowed[row] === 1) continue;
    const rationalization = d.rationalization[row] as number;
    denials.push({
      arm: segment.arms[d.arm[row] as number] as string,
      at: d.at[row] as number,
      blockReasons: reasonsOf(d.reasons[row] as number),
      rationalization: rationalization === -1 ? null : (segment.rationalizations[rationalization] as string),
      sessionId: null,
    });
  }
  return denials;
}

function gateDecisions(segment: Segment): GateDecisionColumns {
  const d = segment.dispatches;
  const arms = new CompactDictionary(segment.arms);
  const arm = new Uint32Array(d.length);
  const denied = new Uint8Array(d.length);
  for (let row = 0; row < d.length; row += 1) {
    arm[row] = arms.id(d.arm[row] as number);
    denied[row] = 1 - (d.allowed[row] as number);
  }
  return {
    length: d.length,
    arms: arms.dictionary.values,
    arm,
    at: d.at,
    keyHi: d.idHi,
    keyLo: d.idLo,
    denied,
  };
}
