import type { NumericArray } from '../column-table.js';
import { Dictionary, type TaskColumns } from '../task-columns.js';
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
    const tasks: TaskColumns = {
      length: n,
      arm: gatherIds(f.arm, rows, arms, consume),
      status: gatherIds(f.status, rows, statuses, consume),
      arms: arms.dictionary.values,
      statuses: statuses.dictionary.values,
      sessions: [],
      session: new Int32Array(n).fill(-1),
      keyHi: gather(f.fpHi, rows, consume),
      keyLo: gather(f.fpLo, rows, consume),
      attemptNumber: this.attemptNumbers.subarray(0, n),
      completedAt: gather(f.at, rows, consume),
      inputTokens: gather(f.inputTokens, rows, consume),
      cacheReadTokens: gather(f.cacheReadTokens, rows, consume),
      cacheCreationTokens: gather(f.cacheCreationTokens, rows, consume),
      acceptancePassed: gather(f.acceptance, rows, consume),
      msElapsed: gather(f.msElapsed, rows, consume),
    };
    return { tasks, taskRows: { dispatch: this.dispatchRows.subarray(0, n), finalize: rows } };
  }
}

function gather<T extends NumericArray>(column: T, rows: Uint32Array, consume: boolean): T {
  const out = new (column.constructor as new (length: number) => T)(rows.length);
  for (let i = 0; i < rows.length; i += 1) out[i] = column[rows[i] as number] as number;
  if (!consume) return out;
  column.set(out);
  return column.subarray(0, rows.length) as T;
}

/** Dictionary ids of the rows, renumbered into `dictionary` (always non-negative). */
function gatherIds(
  column: Int32Array,
  rows: Uint32Array,
  dictionary: CompactDictionary,
  consume: boolean,
): Uint32Array {
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i += 1) out[i] = dictionary.id(column[rows[i] as number] as number);
  if (!consume) return out;
  column.set(out);
  return new Uint32Array(column.buffer, column.byteOffset, rows.length);
}
