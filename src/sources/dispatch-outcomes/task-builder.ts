import type { NumericArray } from '../../records/column-table.js';
import { Dictionary, type TaskColumns } from '../../records/task-columns.js';
import type { Segment } from './segment.js';

/** Maps a segment dictionary's indexes to a compact one holding only the values used. */
export class CompactDictionary {
  readonly dictionary = new Dictionary();
  private readonly map: Int32Array;

  constructor(private readonly values: readonly string[]) {
    this.map = new Int32Array(values.length).fill(-1);
  }

  id(index: number): number {
    let id = this.map[index] as number;
    if (id === -1) {
      id = this.dictionary.id(this.values[index] as string);
      this.map[index] = id;
    }
    return id;
  }
}

/**
 * The joined tasks: which finalize and dispatch rows joined, in the join's canonical order, then
 * their columns gathered from the finalize columns at the end.
 */
export class TaskBuilder {
  private length = 0;
  private readonly dispatchRows: Uint32Array;
  private readonly finalizeRows: Uint32Array;
  private readonly attemptNumbers: Uint32Array;

  constructor(
    private readonly segment: Segment,
    capacity: number,
  ) {
    this.dispatchRows = new Uint32Array(capacity);
    this.finalizeRows = new Uint32Array(capacity);
    this.attemptNumbers = new Uint32Array(capacity);
  }

  add(finalizeRow: number, dispatchRow: number, attemptNumber: number): void {
    this.dispatchRows[this.length] = dispatchRow;
    this.finalizeRows[this.length] = finalizeRow;
    this.attemptNumbers[this.length] = attemptNumber;
    this.length += 1;
  }

  /** With `consume`, the columns are gathered into the finalize columns themselves (see joinSegment). */
  build(consume: boolean): {
    tasks: TaskColumns;
    taskRows: { readonly dispatch: Uint32Array; readonly finalize: Uint32Array };
  } {
    const n = this.length;
    const f = this.segment.finalizes;
    const rows = this.finalizeRows.subarray(0, n);
    const arms = new CompactDictionary(this.segment.arms);
    const statuses = new CompactDictionary(this.segment.statuses);
    // Consumed columns are gathered through one scratch buffer, wide enough for any column.
    const scratch = consume ? new ArrayBuffer(n * Float64Array.BYTES_PER_ELEMENT) : null;
    const tasks: TaskColumns = {
      length: n,
      arm: gatherIds(f.arm, rows, arms, scratch),
      status: gatherIds(f.status, rows, statuses, scratch),
      arms: arms.dictionary.values,
      statuses: statuses.dictionary.values,
      sessions: [],
      session: new Int32Array(n).fill(-1),
      keyHi: gather(f.fpHi, rows, scratch),
      keyLo: gather(f.fpLo, rows, scratch),
      attemptNumber: this.attemptNumbers.subarray(0, n),
      completedAt: gather(f.at, rows, scratch),
      inputTokens: gather(f.inputTokens, rows, scratch),
      cacheReadTokens: gather(f.cacheReadTokens, rows, scratch),
      cacheCreationTokens: gather(f.cacheCreationTokens, rows, scratch),
      acceptancePassed: gather(f.acceptance, rows, scratch),
      msElapsed: gather(f.msElapsed, rows, scratch),
    };
    return { tasks, taskRows: { dispatch: this.dispatchRows.subarray(0, n), finalize: rows } };
  }
}

/** The column's values at `rows`: a new column, or with a scratch buffer, the column itself rewritten. */
function gather<T extends NumericArray>(column: T, rows: Uint32Array, scratch: ArrayBuffer | null): T {
  const Column = column.constructor as {
    new (length: number): T;
    new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  };
  const out = scratch === null ? new Column(rows.length) : new Column(scratch, 0, rows.length);
  for (let i = 0; i < rows.length; i += 1) out[i] = column[rows[i] as number] as number;
  if (scratch === null) return out;
  column.set(out);
  return column.subarray(0, rows.length) as T;
}

/** Dictionary ids of the rows, renumbered into `dictionary` (always non-negative). */
function gatherIds(
  column: Int32Array,
  rows: Uint32Array,
  dictionary: CompactDictionary,
  scratch: ArrayBuffer | null,
): Uint32Array {
  const out = scratch === null ? new Uint32Array(rows.length) : new Uint32Array(scratch, 0, rows.length);
  for (let i = 0; i < rows.length; i += 1) out[i] = dictionary.id(column[rows[i] as number] as number);
  if (scratch === null) return out;
  column.set(out);
  return new Uint32Array(column.buffer, column.byteOffset, rows.length);
}
