import { z } from 'zod';
import { describeIssue } from '../../common/zod-issue.js';
import { corruptIncrementalState } from '../../findings/state-file.js';
import type { ColumnLayout, ColumnSet, NumericArray } from '../../records/column-table.js';
import { MAX_EPOCH_MS } from './schema.js';
import { DISPATCH_LAYOUT, FINALIZE_LAYOUT, type Segment } from './segment.js';
import { CompactDictionary } from './task-builder.js';

/**
 * A segment as the store keeps it between incremental runs: the line counts and dictionaries as
 * JSON, each column as its bytes (little-endian, as every platform Node supports), which the
 * store writes as binary attachments (src/findings/state-file.ts): a megabyte of columns is a
 * megabyte on disk. Restoring checks every column's length and every dictionary index, so a
 * damaged state is an error, never a wrong join.
 */
const Count = z.int().nonnegative();
const Texts = z.array(z.string());
const StoredColumns = z.object({ length: Count, columns: z.record(z.string(), z.instanceof(Uint8Array)) });

const StoredSegment = z.object({
  lines: Count,
  blank: Count,
  skipped: Count,
  arms: Texts,
  statuses: Texts,
  reasonLists: Texts,
  rationalizations: Texts,
  suggestions: Texts,
  dispatches: StoredColumns,
  finalizes: StoredColumns,
});
export type StoredSegment = z.infer<typeof StoredSegment>;

function encodeColumns<L extends ColumnLayout>(
  columns: ColumnSet<L>,
  layout: L,
  dictionaries: Partial<Record<keyof L, CompactDictionary>>,
  copy = true,
): z.infer<typeof StoredColumns> {
  const encoded: Record<string, Uint8Array<ArrayBuffer>> = {};
  for (const name of Object.keys(layout) as (keyof L & string)[]) {
    const column = (columns[name] as NumericArray).subarray(0, columns.length);
    const dictionary = dictionaries[name];
    // A copy unless the caller keeps the columns as they are until the store has written them:
    // a consuming join rewrites them in place.
    const stored =
      dictionary === undefined
        ? copy
          ? column.slice()
          : column
        : column.map((i) => (i < 0 ? i : dictionary.id(i)));
    encoded[name] = new Uint8Array(
      stored.buffer,
      stored.byteOffset,
      stored.byteLength,
    ) as Uint8Array<ArrayBuffer>;
  }
  return { length: columns.length, columns: encoded };
}

/**
 * An input's segment as the state keeps it. Its dictionaries hold only the strings its own rows
 * use: the builder's are shared by every input of the run, so with rotated logs each input would
 * otherwise carry all the strings of the inputs before it.
 */
export function storeSegment(segment: Segment): StoredSegment {
  return storeCompacted(segment);
}

/**
 * A segment whose dictionaries hold only strings its rows use (a session's history after a run
 * that dropped no row), as the state keeps it without compacting or copying anything: its columns
 * are written as they are, so they must not change until the store has written them.
 */
export function storeAsIs(segment: Segment): StoredSegment {
  const { keys: _keys, ...rest } = segment;
  return {
    ...rest,
    arms: [...segment.arms],
    statuses: [...segment.statuses],
    reasonLists: [...segment.reasonLists],
    rationalizations: [...segment.rationalizations],
    suggestions: [...segment.suggestions],
    dispatches: encodeColumns(segment.dispatches, DISPATCH_LAYOUT, {}, false),
    finalizes: encodeColumns(segment.finalizes, FINALIZE_LAYOUT, {}, false),
  };
}

function storeCompacted(segment: Segment): StoredSegment {
  const arms = new CompactDictionary(segment.arms);
  const statuses = new CompactDictionary(segment.statuses);
  const reasonLists = new CompactDictionary(segment.reasonLists);
  const rationalizations = new CompactDictionary(segment.rationalizations);
  const suggestions = new CompactDictionary(segment.suggestions);
  const dispatches = encodeColumns(segment.dispatches, DISPATCH_LAYOUT, {
    arm: arms,
    reasons: reasonLists,
    rationalization: rationalizations,
  });
  const finalizes = encodeColumns(segment.finalizes, FINALIZE_LAYOUT, {
    arm: arms,
    status: statuses,
    suggestion: suggestions,
  });
  return {
    lines: segment.lines,
    blank: segment.blank,
    skipped: segment.skipped,
    arms: arms.dictionary.values,
    statuses: statuses.dictionary.values,
    reasonLists: reasonLists.dictionary.values,
    rationalizations: rationalizations.dictionary.values,
    suggestions: suggestions.dictionary.values,
    dispatches,
    finalizes,
  };
}

class DamagedState extends Error {}

function decodeColumns<L extends ColumnLayout>(
  stored: z.infer<typeof StoredColumns>,
  layout: L,
): ColumnSet<L> {
  const columns = {} as Record<string, NumericArray>;
  for (const [name, Type] of Object.entries(layout)) {
    const bytes = stored.columns[name];
    if (bytes === undefined) throw new DamagedState(`column ${name} is missing`);
    const View = Type as unknown as {
      readonly BYTES_PER_ELEMENT: number;
      new (buffer: ArrayBufferLike, byteOffset: number, length: number): NumericArray;
    };
    if (bytes.length !== stored.length * View.BYTES_PER_ELEMENT) {
      throw new DamagedState(`column ${name} has the wrong length`);
    }
    // The state file keeps columns 8-byte aligned, so they are viewed in place; a copy otherwise.
    if (bytes.byteOffset % View.BYTES_PER_ELEMENT === 0) {
      columns[name] = new View(bytes.buffer, bytes.byteOffset, stored.length);
    } else {
      const column = new Type(stored.length);
      new Uint8Array(column.buffer).set(bytes);
      columns[name] = column;
    }
  }
  return Object.assign(columns, { length: stored.length }) as unknown as ColumnSet<L>;
}

/** Every value of a dictionary column is -1 (none, where allowed) or an index into the dictionary. */
function checkIndexes(column: Int32Array, size: number, name: string, noneAllowed: boolean): void {
  for (const value of column) {
    if (value >= size || value < (noneAllowed ? -1 : 0)) throw new DamagedState(`${name} index out of range`);
  }
}

/** Every value of a column is one of `allowed` (flags and three-valued booleans). */
function checkValues(column: Uint8Array | Int8Array, allowed: readonly number[], name: string): void {
  for (const value of column) if (!allowed.includes(value)) throw new DamagedState(`${name} is not a flag`);
}

/** Event times are what the schema admits: whole epoch milliseconds a Date can hold. */
function checkTimes(column: Float64Array, name: string): void {
  for (const value of column) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_EPOCH_MS)
      throw new DamagedState(`${name} is not a time`);
  }
}

/** Counts are unknown (NaN) or what the schema admits: non-negative whole numbers. */
function checkCounts(column: Float64Array, name: string): void {
  for (const value of column) {
    if (!Number.isNaN(value) && !(Number.isInteger(value) && value >= 0))
      throw new DamagedState(`${name} is not a count`);
  }
}

function restoreSegment(stored: StoredSegment): Segment {
  const dispatches = decodeColumns(stored.dispatches, DISPATCH_LAYOUT);
  const finalizes = decodeColumns(stored.finalizes, FINALIZE_LAYOUT);
  checkTimes(dispatches.at, 'ts_dispatched');
  checkTimes(finalizes.at, 'ts_completed');
  checkValues(dispatches.allowed, [0, 1], 'allowed');
  checkValues(finalizes.hasId, [0, 1], 'hasId');
  checkValues(finalizes.acceptance, [-1, 0, 1], 'acceptance');
  for (const name of [
    'inputTokens',
    'outputTokens',
    'cacheReadTokens',
    'cacheCreationTokens',
    'msElapsed',
  ] as const) {
    checkCounts(finalizes[name], name);
  }
  checkIndexes(dispatches.arm, stored.arms.length, 'dispatch agent', false);
  checkIndexes(dispatches.reasons, stored.reasonLists.length, 'block reasons', true);
  checkIndexes(dispatches.rationalization, stored.rationalizations.length, 'rationalization', true);
  checkIndexes(finalizes.arm, stored.arms.length, 'finalize agent', false);
  checkIndexes(finalizes.status, stored.statuses.length, 'status', false);
  checkIndexes(finalizes.suggestion, stored.suggestions.length, 'suggestion', true);
  if (!stored.reasonLists.every(isStringList))
    throw new DamagedState('block reasons are not a list of strings');
  return { ...stored, dispatches, finalizes };
}

function isStringList(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((item) => typeof item === 'string');
  } catch {
    return false;
  }
}

/** The segment an earlier run stored, or a `corrupt_store` error naming what is wrong. */
export function loadSegment(raw: unknown, source: string): Segment {
  const parsed = StoredSegment.safeParse(raw);
  try {
    if (!parsed.success) throw new DamagedState(describeIssue(parsed.error));
    return restoreSegment(parsed.data);
  } catch (error) {
    if (!(error instanceof DamagedState)) throw error;
    throw corruptIncrementalState(source, error.message);
  }
}
