import { canonicalJson } from '../../common/canonical-json.js';
import { type ColumnSet, type Columns, ColumnTable } from '../../records/column-table.js';
import { hashKeyInto } from '../../records/key-hash.js';
import { Dictionary } from '../../records/task-columns.js';
import type { DispatchRecord, FinalizeRecord } from './schema.js';

/**
 * The compact form of what one input contributed: its line counts and, per record, only the fields
 * the join and the analyzers read, in typed-array columns. Strings that repeat (agents, statuses,
 * block reasons, rationalizations, registry suggestions) are indexes into small dictionaries; the
 * join keys (attempt id, prompt fingerprint) are 64-bit hashes. It is what a worker thread hands
 * back (the buffers move, nothing is copied) and what an incremental run keeps in the store, so a
 * restored input is exactly the input re-read.
 *
 * Unknown numbers are NaN, an unknown boolean is -1, a missing dictionary entry is -1.
 */
export const DISPATCH_LAYOUT = {
  at: Float64Array,
  arm: Int32Array,
  allowed: Uint8Array,
  idHi: Uint32Array,
  idLo: Uint32Array,
  fpHi: Uint32Array,
  fpLo: Uint32Array,
  /** The block reasons as a JSON list in `reasonLists`; -1 for none. */
  reasons: Int32Array,
  /** Index in `rationalizations`; -1 for none. */
  rationalization: Int32Array,
} as const;

export const FINALIZE_LAYOUT = {
  at: Float64Array,
  arm: Int32Array,
  fpHi: Uint32Array,
  fpLo: Uint32Array,
  /** 0 when the finalize names no attempt (older producers). */
  hasId: Uint8Array,
  idHi: Uint32Array,
  idLo: Uint32Array,
  status: Int32Array,
  inputTokens: Float64Array,
  outputTokens: Float64Array,
  cacheReadTokens: Float64Array,
  cacheCreationTokens: Float64Array,
  msElapsed: Float64Array,
  /** 1 passed, 0 failed, -1 unknown. */
  acceptance: Int8Array,
  /** The suggested registry edit's canonical JSON in `suggestions`; -1 for none. */
  suggestion: Int32Array,
} as const;

export type DispatchColumns = ColumnSet<typeof DISPATCH_LAYOUT>;
export type FinalizeColumns = ColumnSet<typeof FINALIZE_LAYOUT>;

export interface Segment {
  readonly lines: number;
  readonly blank: number;
  readonly skipped: number;
  readonly arms: readonly string[];
  readonly statuses: readonly string[];
  readonly reasonLists: readonly string[];
  readonly rationalizations: readonly string[];
  readonly suggestions: readonly string[];
  readonly dispatches: DispatchColumns;
  readonly finalizes: FinalizeColumns;
  /** Export only: per dispatch row, its attempt id and prompt fingerprint as written. */
  readonly keys?: { readonly attemptIds: readonly string[]; readonly fingerprints: readonly string[] };
}

/** The `reasons` cell of a dispatch without block reasons (none, or an empty list). */
export const NO_REASONS = -1;
const orNaN = (value: number | undefined): number => (value === undefined ? Number.NaN : value);

/** Builds a segment a record (or a whole other segment) at a time. */
export class SegmentBuilder {
  lines = 0;
  blank = 0;
  skipped = 0;
  private readonly arms = new Dictionary();
  private readonly statuses = new Dictionary();
  private readonly reasonLists = new Dictionary();
  private readonly rationalizations = new Dictionary();
  private readonly suggestions = new Dictionary();
  private readonly dispatches: ColumnTable<typeof DISPATCH_LAYOUT>;
  private readonly finalizes: ColumnTable<typeof FINALIZE_LAYOUT>;
  private readonly keys: { attemptIds: string[]; fingerprints: string[] } | null;

  /** `keepKeys` also keeps each dispatch's attempt id and fingerprint as text (export prints them). */
  constructor(options: { keepKeys?: boolean } = {}) {
    this.dispatches = new ColumnTable(DISPATCH_LAYOUT);
    this.finalizes = new ColumnTable(FINALIZE_LAYOUT);
    this.keys = options.keepKeys ? { attemptIds: [], fingerprints: [] } : null;
  }

  get dispatchCount(): number {
    return this.dispatches.length;
  }

  get finalizeCount(): number {
    return this.finalizes.length;
  }

  addDispatch(record: DispatchRecord): void {
    const row = this.addDispatchRow();
    const c = this.dispatches.columns;
    c.at[row] = record.ts_dispatched;
    c.arm[row] = this.armId(record.agent);
    c.allowed[row] = record.atomic_hook_outcome === 'allow' ? 1 : 0;
    hashKeyInto(record.attempt_id, c.idHi, c.idLo, row);
    hashKeyInto(record.prompt_fingerprint, c.fpHi, c.fpLo, row);
    const reasons = record.block_reasons;
    c.reasons[row] =
      reasons === undefined || reasons.length === 0 ? NO_REASONS : this.reasonListId(JSON.stringify(reasons));
    const rationalization = record.rationalization_match;
    c.rationalization[row] = rationalization == null ? -1 : this.rationalizationId(rationalization);
    this.keepKeys(record.attempt_id, record.prompt_fingerprint);
  }

  addFinalize(record: FinalizeRecord): void {
    const row = this.addFinalizeRow();
    const c = this.finalizes.columns;
    c.at[row] = record.ts_completed;
    c.arm[row] = this.armId(record.agent);
    hashKeyInto(record.prompt_fingerprint, c.fpHi, c.fpLo, row);
    if (record.attempt_id !== undefined) {
      c.hasId[row] = 1;
      hashKeyInto(record.attempt_id, c.idHi, c.idLo, row);
    }
    c.status[row] = this.statusId(record.status);
    c.inputTokens[row] = orNaN(record.input_tokens);
    c.outputTokens[row] = orNaN(record.output_tokens);
    c.cacheReadTokens[row] = orNaN(record.cache_read_tokens);
    c.cacheCreationTokens[row] = orNaN(record.cache_creation_tokens);
    c.msElapsed[row] = orNaN(record.ms_elapsed);
    const passed = record.acceptance_passed;
    c.acceptance[row] = passed == null ? -1 : passed ? 1 : 0;
    const suggestion = record.suggested_registry_edit;
    c.suggestion[row] = suggestion == null ? -1 : this.suggestionId(canonicalJson(suggestion));
  }

  // The pieces addDispatch and addFinalize are made of, for the fast path (fast-lines.ts), which
  // writes a row's cells straight from a line's bytes: a new row (all cells zero) in the columns
  // `dispatchColumns`/`finalizeColumns` return, and each dictionary's index of a string.

  /** A new dispatch row, within `dispatchColumns`. */
  addDispatchRow(): number {
    return this.dispatches.addRow();
  }

  /** The columns the last addDispatchRow() wrote to. */
  get dispatchColumns(): Columns<typeof DISPATCH_LAYOUT> {
    return this.dispatches.columns;
  }

  /** A new finalize row, within `finalizeColumns`. */
  addFinalizeRow(): number {
    return this.finalizes.addRow();
  }

  /** The columns the last addFinalizeRow() wrote to. */
  get finalizeColumns(): Columns<typeof FINALIZE_LAYOUT> {
    return this.finalizes.columns;
  }

  armId(agent: string): number {
    return this.arms.id(agent);
  }

  statusId(status: string): number {
    return this.statuses.id(status);
  }

  /** `reasons` is the block reasons' JSON list (JSON.stringify of the array). */
  reasonListId(reasons: string): number {
    return this.reasonLists.id(reasons);
  }

  rationalizationId(rationalization: string): number {
    return this.rationalizations.id(rationalization);
  }

  /** `suggestion` is the suggested registry edit's canonical JSON. */
  suggestionId(suggestion: string): number {
    return this.suggestions.id(suggestion);
  }

  /** Whether the dispatches' join keys are kept as text (export); see keepKeys. */
  get keepsKeys(): boolean {
    return this.keys !== null;
  }

  /** Keeps the last dispatch row's join keys as text, when the builder keeps them. */
  keepKeys(attemptId: string, fingerprint: string): void {
    if (this.keys === null) return;
    this.keys.attemptIds.push(attemptId);
    this.keys.fingerprints.push(fingerprint);
  }

  /**
   * Adds every line count and record of `segment` (a worker's, or one restored from the store).
   * With `adopt` its column arrays become the builder's own (see ColumnTable.append).
   */
  append(segment: Segment, adopt = false): void {
    this.lines += segment.lines;
    this.blank += segment.blank;
    this.skipped += segment.skipped;
    const arms = remap(this.arms, segment.arms);
    this.dispatches.append(
      segment.dispatches,
      {
        arm: arms,
        reasons: remap(this.reasonLists, segment.reasonLists),
        rationalization: remap(this.rationalizations, segment.rationalizations),
      },
      adopt,
    );
    this.finalizes.append(
      segment.finalizes,
      {
        arm: arms,
        status: remap(this.statuses, segment.statuses),
        suggestion: remap(this.suggestions, segment.suggestions),
      },
      adopt,
    );
    if (this.keys !== null && segment.keys !== undefined) {
      for (const id of segment.keys.attemptIds) this.keys.attemptIds.push(id);
      for (const fingerprint of segment.keys.fingerprints) this.keys.fingerprints.push(fingerprint);
    }
  }

  /**
   * The segment so far, or the rows and line counts added between two `mark()`s. Columns are views
   * of the builder's buffers, so later additions never show up in a segment already built.
   */
  build(from: SegmentMark = EMPTY_MARK, to: SegmentMark = this.mark()): Segment {
    return {
      lines: to.lines - from.lines,
      blank: to.blank - from.blank,
      skipped: to.skipped - from.skipped,
      arms: this.arms.values,
      statuses: this.statuses.values,
      reasonLists: this.reasonLists.values,
      rationalizations: this.rationalizations.values,
      suggestions: this.suggestions.values,
      dispatches: this.dispatches.view(from.dispatches, to.dispatches),
      finalizes: this.finalizes.view(from.finalizes, to.finalizes),
      ...(this.keys === null
        ? {}
        : {
            keys: {
              attemptIds: this.keys.attemptIds.slice(from.dispatches, to.dispatches),
              fingerprints: this.keys.fingerprints.slice(from.dispatches, to.dispatches),
            },
          }),
    };
  }

  /** Room for about this many more records of each kind (see ColumnTable.reserve). */
  reserve(dispatches: number, finalizes: number): void {
    this.dispatches.reserve(dispatches);
    this.finalizes.reserve(finalizes);
  }

  /** Joins the columns' chunks into one array each: before a join or a hand-off reads them. */
  compact(): void {
    this.dispatches.compact();
    this.finalizes.compact();
  }

  /** Where the builder stands now, to build only what is added after it. */
  mark(): SegmentMark {
    return {
      lines: this.lines,
      blank: this.blank,
      skipped: this.skipped,
      dispatches: this.dispatches.length,
      finalizes: this.finalizes.length,
    };
  }
}

export interface SegmentMark {
  readonly lines: number;
  readonly blank: number;
  readonly skipped: number;
  readonly dispatches: number;
  readonly finalizes: number;
}

const EMPTY_MARK: SegmentMark = { lines: 0, blank: 0, skipped: 0, dispatches: 0, finalizes: 0 };

/**
 * Maps another dictionary's indexes to this one's, adding what is new; undefined when every index
 * stays what it is (a first segment, such as a restored history), so its columns are not rewritten.
 */
function remap(dictionary: Dictionary, values: readonly string[]): Int32Array | undefined {
  const map = new Int32Array(values.length);
  let same = true;
  for (let i = 0; i < values.length; i += 1) {
    map[i] = dictionary.id(values[i] as string);
    if (map[i] !== i) same = false;
  }
  return same ? undefined : map;
}

/** One segment of everything in `segments`, in order (the only one itself when there is one). */
export function concatSegments(segments: readonly Segment[]): Segment {
  if (segments.length === 1) return segments[0] as Segment;
  const builder = new SegmentBuilder();
  for (const segment of segments) builder.append(segment);
  builder.compact();
  return builder.build();
}

/** The buffers behind a segment's columns, to move them to another thread instead of copying. */
export function segmentBuffers(segment: Segment): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const columns of [segment.dispatches, segment.finalizes]) {
    for (const value of Object.values(columns)) {
      if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
    }
  }
  return [...buffers];
}
