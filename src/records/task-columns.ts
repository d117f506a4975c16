import type { GateDecisionColumns, TaskColumns } from './columns.js';
import { hashKeyInto } from './key-hash.js';
import type { GateDecisionRecord, TaskRecord } from './records.js';

// The column shapes live in columns.ts so records.ts can name them without importing this file.
export type { GateDecisionColumns, TaskColumns } from './columns.js';

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
