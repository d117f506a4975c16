import { z } from 'zod';
import { describeIssue } from '../../common/zod-issue.js';
import { corruptIncrementalState } from '../../findings/state-file.js';
import {
  type ColumnLayout,
  type ColumnSet,
  ColumnTable,
  type NumericArray,
} from '../../records/column-table.js';
import { NO_INPUT } from '../types.js';
import {
  DISPATCH_LAYOUT,
  FINALIZE_LAYOUT,
  type Segment,
  type SegmentBuilder,
  type SegmentMark,
} from './segment.js';
import { loadSegment, type StoredSegment, storeAsIs, storeSegment } from './segment-state.js';

/**
 * The whole history an incremental run keeps for dispatch-outcomes: one segment for every input
 * together, plus, per record, the index of the input it came from (in the state's list of
 * cursors) and, per input, its line counts. One segment instead of one per file makes the
 * state's size and its restore follow the records: 10,000 one-line files cost their 10,000
 * rows, not 10,000 segments of a dozen columns and dictionaries each. The input of each row is
 * what lets a run drop exactly the rows of a file that went away or must be read again.
 */

/** Per input: lines, blank, skipped. */
export const COUNTS_PER_INPUT = 3;

export interface History {
  readonly segment: Segment;
  /** Per dispatch row and per finalize row, the index of its input. */
  readonly dispatchInput: Uint32Array;
  readonly finalizeInput: Uint32Array;
  /** COUNTS_PER_INPUT numbers per input. */
  readonly inputCounts: Float64Array;
}

const Bytes = z.instanceof(Uint8Array);
const StoredHistory = z.object({
  segment: z.unknown(),
  dispatchInput: Bytes,
  finalizeInput: Bytes,
  inputCounts: Bytes,
});
type StoredHistory = z.infer<typeof StoredHistory>;

const bytesOf = (array: NumericArray): Uint8Array<ArrayBuffer> =>
  new Uint8Array(array.buffer as ArrayBuffer, array.byteOffset, array.byteLength);

/**
 * The history as the state keeps it. `asIs` (no row was dropped, so every string of its
 * dictionaries is used): the columns are written as they are, not compacted or copied, and must
 * not change until the store has written them (the join then must not consume them).
 */
export function storeHistory(history: History, asIs = false): StoredHistory & { segment: StoredSegment } {
  return {
    segment: asIs ? storeAsIs(history.segment) : storeSegment(history.segment),
    dispatchInput: bytesOf(asIs ? history.dispatchInput : history.dispatchInput.slice()),
    finalizeInput: bytesOf(asIs ? history.finalizeInput : history.finalizeInput.slice()),
    inputCounts: bytesOf(history.inputCounts.slice()),
  };
}

class DamagedHistory extends Error {}

function view<T extends Uint32Array | Float64Array>(
  bytes: Uint8Array,
  Type: {
    new (length: number): T;
    new (buffer: ArrayBufferLike, offset: number, length: number): T;
    BYTES_PER_ELEMENT: number;
  },
  name: string,
): T {
  if (bytes.byteLength % Type.BYTES_PER_ELEMENT !== 0)
    throw new DamagedHistory(`${name} has the wrong length`);
  const length = bytes.byteLength / Type.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0)
    return new Type(bytes.buffer, bytes.byteOffset, length);
  const copy = new Type(length);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}

/**
 * The history an earlier run stored for `inputs` cursors, checked: every row names one of them,
 * and the per-input counts add up to the segment's. A `corrupt_store` error otherwise.
 */
export function loadHistory(raw: unknown, inputs: number | undefined, source: string): History {
  try {
    const parsed = StoredHistory.safeParse(raw);
    if (!parsed.success) throw new DamagedHistory(describeIssue(parsed.error));
    const segment = loadSegment(parsed.data.segment, source);
    const dispatchInput = view(parsed.data.dispatchInput, Uint32Array, 'dispatch inputs');
    const finalizeInput = view(parsed.data.finalizeInput, Uint32Array, 'finalize inputs');
    const inputCounts = view(parsed.data.inputCounts, Float64Array, 'input counts');
    if (
      dispatchInput.length !== segment.dispatches.length ||
      finalizeInput.length !== segment.finalizes.length
    ) {
      throw new DamagedHistory('a row has no input');
    }
    // Without a number of inputs to hold it to (a check on its own), the history's own.
    const count = inputs ?? Math.floor(inputCounts.length / COUNTS_PER_INPUT);
    if (inputCounts.length !== count * COUNTS_PER_INPUT) throw new DamagedHistory('input counts missing');
    for (const column of [dispatchInput, finalizeInput]) {
      for (const input of column) if (input >= count) throw new DamagedHistory('a row names no input');
    }
    for (const count of inputCounts) {
      if (!Number.isSafeInteger(count) || count < 0)
        throw new DamagedHistory('an input count is not a count');
    }
    const [lines, blank, skipped] = countTotals(inputCounts);
    if (lines !== segment.lines || blank !== segment.blank || skipped !== segment.skipped) {
      throw new DamagedHistory('input counts do not add up');
    }
    return { segment, dispatchInput, finalizeInput, inputCounts };
  } catch (error) {
    if (!(error instanceof DamagedHistory)) throw error;
    throw corruptIncrementalState(source, error.message);
  }
}

/**
 * `history` with its inputs renumbered by `inputOf` (old index → new one, or NO_INPUT for an
 * input gone or read again from its start): the rows of dropped inputs are left out (a copy),
 * the rest stay where they are.
 */
export function renumberHistory(history: History, inputOf: Uint32Array, inputs: number): History {
  // The usual cron run: the same inputs in the same order, nothing to renumber.
  const same = inputOf.length === inputs && inputOf.every((input, old) => input === old);
  if (same) return history;
  const dispatchInput = history.dispatchInput.map((input) => inputOf[input] as number);
  const finalizeInput = history.finalizeInput.map((input) => inputOf[input] as number);
  const inputCounts = new Float64Array(inputs * COUNTS_PER_INPUT);
  for (const [old, input] of inputOf.entries()) {
    if (input === NO_INPUT) continue;
    inputCounts.set(
      history.inputCounts.subarray(old * COUNTS_PER_INPUT, (old + 1) * COUNTS_PER_INPUT),
      input * COUNTS_PER_INPUT,
    );
  }
  const dropsRows = dispatchInput.includes(NO_INPUT) || finalizeInput.includes(NO_INPUT);
  const kept = dropsRows
    ? withoutUnkept({ segment: history.segment, dispatchInput, finalizeInput, inputCounts })
    : { segment: history.segment, dispatchInput, finalizeInput, inputCounts };
  return withTotals(kept);
}

/** The lines, blank and skipped lines of all inputs together. */
function countTotals(inputCounts: Float64Array): [number, number, number] {
  let lines = 0;
  let blank = 0;
  let skipped = 0;
  for (let at = 0; at < inputCounts.length; at += COUNTS_PER_INPUT) {
    lines += inputCounts[at] as number;
    blank += inputCounts[at + 1] as number;
    skipped += inputCounts[at + 2] as number;
  }
  return [lines, blank, skipped];
}

/** `history` with its segment's line counts those of its inputs (some were dropped or not kept). */
export function withTotals(history: History): History {
  const [lines, blank, skipped] = countTotals(history.inputCounts);
  return { ...history, segment: { ...history.segment, lines, blank, skipped } };
}

/** The rows of kept inputs only (rows marked NO_INPUT left out), as copies; counts unchanged. */
export function withoutUnkept(history: History): History {
  const { segment } = history;
  const dispatches = keptRows(segment.dispatches, DISPATCH_LAYOUT, history.dispatchInput);
  const finalizes = keptRows(segment.finalizes, FINALIZE_LAYOUT, history.finalizeInput);
  return {
    segment: { ...segment, dispatches: dispatches.columns, finalizes: finalizes.columns },
    dispatchInput: dispatches.inputs,
    finalizeInput: finalizes.inputs,
    inputCounts: history.inputCounts,
  };
}

function keptRows<L extends ColumnLayout>(
  columns: ColumnSet<L>,
  layout: L,
  inputs: Uint32Array,
): { columns: ColumnSet<L>; inputs: Uint32Array } {
  const rows: number[] = [];
  for (let row = 0; row < columns.length; row += 1) if (inputs[row] !== NO_INPUT) rows.push(row);
  const table = new ColumnTable(layout, Math.max(1, rows.length));
  for (const row of rows) {
    const at = table.addRow();
    for (const name of Object.keys(layout) as (keyof L)[]) {
      (table.columns[name] as NumericArray)[at] = (columns[name] as NumericArray)[row] as number;
    }
  }
  return { columns: table.view(), inputs: Uint32Array.from(rows, (row) => inputs[row] as number) };
}

/** One input's rows in a session's builder, and its place among the kept inputs (or NO_INPUT). */
export interface KeptPart {
  readonly start: SegmentMark;
  readonly end: SegmentMark | null;
  readonly kept: number;
}

/**
 * Everything the builder holds of kept inputs, each row with its input: the restored history's
 * rows first (already numbered), then each input's rows of this run.
 */
export function historyOf(
  base: History | null,
  inputs: number,
  parts: readonly KeptPart[],
  builder: SegmentBuilder,
): { history: History; dropped: boolean } {
  builder.compact();
  const end = builder.mark();
  const segment = builder.build();
  const dispatchInput = new Uint32Array(segment.dispatches.length).fill(NO_INPUT);
  const finalizeInput = new Uint32Array(segment.finalizes.length).fill(NO_INPUT);
  const inputCounts = new Float64Array(inputs * COUNTS_PER_INPUT);
  if (base !== null) {
    dispatchInput.set(base.dispatchInput);
    finalizeInput.set(base.finalizeInput);
    inputCounts.set(base.inputCounts);
  }
  for (const part of parts) {
    if (part.kept === NO_INPUT) continue;
    const to = part.end ?? end;
    dispatchInput.fill(part.kept, part.start.dispatches, to.dispatches);
    finalizeInput.fill(part.kept, part.start.finalizes, to.finalizes);
    const at = part.kept * COUNTS_PER_INPUT;
    inputCounts[at] = (inputCounts[at] as number) + to.lines - part.start.lines;
    inputCounts[at + 1] = (inputCounts[at + 1] as number) + to.blank - part.start.blank;
    inputCounts[at + 2] = (inputCounts[at + 2] as number) + to.skipped - part.start.skipped;
  }
  const whole = { segment, dispatchInput, finalizeInput, inputCounts };
  const dropped = dispatchInput.includes(NO_INPUT) || finalizeInput.includes(NO_INPUT);
  return { history: withTotals(dropped ? withoutUnkept(whole) : whole), dropped };
}
