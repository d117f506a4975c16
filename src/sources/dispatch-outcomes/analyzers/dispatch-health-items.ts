import { compareKeyHashes } from '../../../records/key-hash.js';
import type { GateDecisionColumns, TaskColumns } from '../../../records/task-columns.js';
import { argsortByKey } from '../../../stats/argsort.js';
import { type RollingColumns, scopeNameRanks } from '../../../stats/rolling.js';

/**
 * The rolling items of dispatch-health as columns: a few typed arrays per metric instead of an
 * object and a key string per task. Ties at equal time are broken by the key hash (then attempt
 * number, arm name and value), which depends only on the items, never on their order in the log.
 */

/** The rows of `rows` for which `keep` is true, in the order of `rows`. */
export function rowsWhere(rows: Uint32Array, keep: (row: number) => boolean): Uint32Array {
  const kept = new Uint32Array(rows.length);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as number;
    if (keep(row)) kept[count++] = row;
  }
  return kept.subarray(0, count);
}

/** The tie-break of task rows at equal time: key hash, then attempt number, then arm name. */
export function taskRowOrder(tasks: TaskColumns): (rowA: number, rowB: number) => number {
  const armRank = scopeNameRanks(tasks.arms);
  const { keyHi, keyLo, attemptNumber, arm } = tasks;
  return (a, b) =>
    compareKeyHashes(keyHi, keyLo, a, b) ||
    (attemptNumber[a] as number) - (attemptNumber[b] as number) ||
    (armRank[arm[a] as number] as number) - (armRank[arm[b] as number] as number);
}

/**
 * Every task row in the rolling order: completion time, then `compareRows` (taskRowOrder). Sorted
 * once: each metric's rows are a subsequence, already in order for the engine.
 */
export function tasksInRollingOrder(
  tasks: TaskColumns,
  compareRows: (rowA: number, rowB: number) => number,
): Uint32Array {
  // Rows that tie on all of these keep their index order; the engine checks the value.
  return argsortByKey(tasks.completedAt.subarray(0, tasks.length), compareRows);
}

/**
 * The columns one metric's items are written into, shared by the metrics in turn: each metric's
 * series is complete before the next one fills them, and five sets of fresh arrays per run left
 * 35 MB of dead buffers on a 256 MB log.
 */
export class ItemBuffers {
  private readonly at: Float64Array;
  private readonly value: Float64Array;
  private readonly scope: Int32Array;

  constructor(capacity: number) {
    this.at = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.scope = new Int32Array(capacity);
  }

  /** The first `n` items' columns, valid until the next call. */
  take(n: number): { at: Float64Array; value: Float64Array; scope: Int32Array } {
    return { at: this.at.subarray(0, n), value: this.value.subarray(0, n), scope: this.scope.subarray(0, n) };
  }
}

/**
 * The rolling items of the task `rows`, each valued `valueOfRow(row)`, scoped by arm; ties at
 * equal time are broken by `compareRows` (taskRowOrder), then the value.
 */
export function taskItems(
  tasks: TaskColumns,
  rows: Uint32Array,
  valueOfRow: (row: number) => number,
  compareRows: (rowA: number, rowB: number) => number,
  buffers: ItemBuffers,
): RollingColumns {
  const n = rows.length;
  const { at, value, scope } = buffers.take(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as number;
    at[i] = tasks.completedAt[row] as number;
    value[i] = valueOfRow(row);
    scope[i] = tasks.arm[row] as number;
  }
  // Keys are read through `rows`, not copied per metric.
  const breakTie = (a: number, b: number) =>
    compareRows(rows[a] as number, rows[b] as number) || (value[a] as number) - (value[b] as number);
  return { length: n, at, value, scope, scopeNames: tasks.arms, breakTie };
}

/** One item per gate decision: 1 denied, 0 allowed, scoped by arm. */
export function gateDecisionItems(decisions: GateDecisionColumns, buffers: ItemBuffers): RollingColumns {
  const n = decisions.length;
  const { value, scope } = buffers.take(n);
  for (let i = 0; i < n; i++) {
    value[i] = decisions.denied[i] as number;
    scope[i] = decisions.arm[i] as number;
  }
  const { keyHi, keyLo } = decisions;
  const armRank = scopeNameRanks(decisions.arms);
  const breakTie = (a: number, b: number) =>
    compareKeyHashes(keyHi, keyLo, a, b) ||
    (armRank[scope[a] as number] as number) - (armRank[scope[b] as number] as number) ||
    (value[a] as number) - (value[b] as number);
  return { length: n, at: decisions.at, value, scope, scopeNames: decisions.arms, breakTie };
}

/**
 * Per task key, the row of its first completed attempt (lowest attempt number; among equals, the
 * first in `completed`'s order), in no particular order. Rows are grouped by sorting the hashes, not through a map
 * of strings.
 */
export function firstSuccessRows(tasks: TaskColumns, completed: Uint32Array): Uint32Array {
  const n = completed.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  // hi·2^32 + lo rounds to a double, but rounding is monotonic: the comparator settles the ties.
  const approximate = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = completed[i] as number;
    hi[i] = tasks.keyHi[row] as number;
    lo[i] = tasks.keyLo[row] as number;
    approximate[i] = (hi[i] as number) * 2 ** 32 + (lo[i] as number);
  }
  const order = argsortByKey(approximate, (a, b) => compareKeyHashes(hi, lo, a, b) || a - b);
  const firsts = new Uint32Array(n);
  let count = 0;
  let start = 0;
  while (start < n) {
    let best = completed[order[start] as number] as number;
    let end = start + 1;
    for (; end < n && compareKeyHashes(hi, lo, order[start] as number, order[end] as number) === 0; end++) {
      const row = completed[order[end] as number] as number;
      if ((tasks.attemptNumber[row] as number) < (tasks.attemptNumber[best] as number)) best = row;
    }
    firsts[count++] = best;
    start = end;
  }
  return firsts.subarray(0, count);
}
