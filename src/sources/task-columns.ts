import { hashKeyInto } from './key-hash.js';
import type { GateDecisionRecord, TaskRecord } from './records.js';

/**
 * Tasks and gate decisions in columns: one typed array per field, strings that repeat (arms,
 * statuses, sessions) as indexes into a small dictionary, join keys as 64-bit hashes (key-hash.ts).
 * A log of millions of records is held in a few bytes per field instead of an object per record,
 * and the analyzers that scan every task (trend, latency, rolling health) read the columns.
 *
 * Unknown numbers are NaN; an unknown boolean is -1. Row i of every column is the same task.
 */
export interface TaskColumns {
  readonly length: number;
  /** Dictionary of arm names; `arm[i]` indexes it. */
  readonly arms: readonly string[];
  readonly arm: Uint32Array;
  /** Dictionary of statuses; `status[i]` indexes it. */
  readonly statuses: readonly string[];
  readonly status: Uint32Array;
  /** Dictionary of session ids; `session[i]` indexes it, -1 for none. */
  readonly sessions: readonly string[];
  readonly session: Int32Array;
  /** The task key (prompt fingerprint) as a 64-bit hash: retries of one task share it. */
  readonly keyHi: Uint32Array;
  readonly keyLo: Uint32Array;
  readonly attemptNumber: Uint32Array;
  readonly completedAt: Float64Array;
  readonly inputTokens: Float64Array;
  readonly cacheReadTokens: Float64Array;
  readonly cacheCreationTokens: Float64Array;
  /** 1 passed, 0 failed, -1 unknown. */
  readonly acceptancePassed: Int8Array;
  readonly msElapsed: Float64Array;
}

export interface GateDecisionColumns {
  readonly length: number;
  readonly arms: readonly string[];
  readonly arm: Uint32Array;
  readonly at: Float64Array;
  /** The attempt id as a 64-bit hash: breaks ties between decisions at the same time. */
  readonly keyHi: Uint32Array;
  readonly keyLo: Uint32Array;
  /** 1 denied, 0 allowed. */
  readonly denied: Uint8Array;
}

/** Interns strings into a dictionary: the same string always gets the same index. */
export class Dictionary {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();

  id(value: string): number {
    let id = this.index.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.index.set(value, id);
    }
    return id;
  }
}

const orNaN = (value: number | null): number => (value === null ? Number.NaN : value);

/** Columns of `records` (sources that build records one object at a time, and tests). */
export function taskColumnsFrom(records: readonly TaskRecord[]): TaskColumns {
  const n = records.length;
  const arms = new Dictionary();
  const statuses = new Dictionary();
  const sessions = new Dictionary();
  const columns = {
    length: n,
    arms: arms.values,
    arm: new Uint32Array(n),
    statuses: statuses.values,
    status: new Uint32Array(n),
    sessions: sessions.values,
    session: new Int32Array(n),
    keyHi: new Uint32Array(n),
    keyLo: new Uint32Array(n),
    attemptNumber: new Uint32Array(n),
    completedAt: new Float64Array(n),
    inputTokens: new Float64Array(n),
    cacheReadTokens: new Float64Array(n),
    cacheCreationTokens: new Float64Array(n),
    acceptancePassed: new Int8Array(n),
    msElapsed: new Float64Array(n),
  } satisfies TaskColumns;
  records.forEach((task, i) => {
    columns.arm[i] = arms.id(task.arm);
    columns.status[i] = statuses.id(task.status);
    columns.session[i] = task.sessionId === null ? -1 : sessions.id(task.sessionId);
    hashKeyInto(task.taskKey, columns.keyHi, columns.keyLo, i);
    columns.attemptNumber[i] = task.attemptNumber;
    columns.completedAt[i] = task.completedAt;
    columns.inputTokens[i] = orNaN(task.inputTokens);
    columns.cacheReadTokens[i] = orNaN(task.cacheReadTokens);
    columns.cacheCreationTokens[i] = orNaN(task.cacheCreationTokens);
    columns.acceptancePassed[i] = task.acceptancePassed === null ? -1 : task.acceptancePassed ? 1 : 0;
    columns.msElapsed[i] = orNaN(task.msElapsed);
  });
  return columns;
}

export function gateDecisionColumnsFrom(records: readonly GateDecisionRecord[]): GateDecisionColumns {
  const n = records.length;
  const arms = new Dictionary();
  const columns = {
    length: n,
    arms: arms.values,
    arm: new Uint32Array(n),
    at: new Float64Array(n),
    keyHi: new Uint32Array(n),
    keyLo: new Uint32Array(n),
    denied: new Uint8Array(n),
  } satisfies GateDecisionColumns;
  records.forEach((decision, i) => {
    columns.arm[i] = arms.id(decision.arm);
    columns.at[i] = decision.at;
    hashKeyInto(decision.key, columns.keyHi, columns.keyLo, i);
    columns.denied[i] = decision.denied ? 1 : 0;
  });
  return columns;
}

/** Analyzers take tasks either way: sources that build records pass records, large logs columns. */
export function asTaskColumns(tasks: readonly TaskRecord[] | TaskColumns): TaskColumns {
  return isRecordList(tasks) ? taskColumnsFrom(tasks) : tasks;
}

export function asGateDecisionColumns(
  decisions: readonly GateDecisionRecord[] | GateDecisionColumns,
): GateDecisionColumns {
  return isRecordList(decisions) ? gateDecisionColumnsFrom(decisions) : decisions;
}

function isRecordList<R, C>(data: readonly R[] | C): data is readonly R[] {
  return Array.isArray(data);
}

/** Per status id of the tasks' dictionary: 1 when the status is `completed`. */
export function completedStatuses(tasks: TaskColumns): Uint8Array {
  return Uint8Array.from(tasks.statuses, (status) => (status === 'completed' ? 1 : 0));
}
