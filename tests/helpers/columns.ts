import fc from 'fast-check';
import type { GateDecisionRecord, TaskRecord } from '../../src/records/records.js';
import {
  type GateDecisionColumns,
  gateDecisionColumnsFrom,
  type TaskColumns,
  taskColumnsFrom,
} from '../../src/records/task-columns.js';

/**
 * Columns of `records` with dictionaries unlike taskColumnsFrom's: in reverse order, and every
 * arm listed twice (rows alternate between the two ids). A producer is free to number its
 * dictionaries any way; findings must depend only on the names.
 */
export function scrambledTaskColumns(records: readonly TaskRecord[]): TaskColumns {
  const plain = taskColumnsFrom(records);
  const armCount = plain.arms.length;
  const arms = [...plain.arms].reverse();
  const statuses = [...plain.statuses].reverse();
  const arm = plain.arm.map((id, row) => armCount - 1 - id + (row % 2) * armCount);
  const status = plain.status.map((id) => plain.statuses.length - 1 - id);
  return { ...plain, arms: [...arms, ...arms], arm, statuses, status };
}

export function scrambledGateDecisionColumns(records: readonly GateDecisionRecord[]): GateDecisionColumns {
  const plain = gateDecisionColumnsFrom(records);
  const armCount = plain.arms.length;
  const arms = [...plain.arms].reverse();
  const arm = plain.arm.map((id, row) => armCount - 1 - id + (row % 2) * armCount);
  return { ...plain, arms: [...arms, ...arms], arm };
}

const T0 = Date.UTC(2026, 0, 1);

/**
 * Tasks with many ties: few distinct times, few keys, arms and statuses, unknown fields often.
 * (taskKey, attemptNumber) is unique, as the join makes it.
 */
export const taskRecordsArbitrary = fc
  .array(
    fc.record({
      arm: fc.constantFrom('coder', 'planner', 'reviewer', 'tester'),
      key: fc.integer({ min: 0, max: 40 }),
      minute: fc.integer({ min: 0, max: 30 }),
      status: fc.constantFrom('completed', 'completed', 'failed', 'cancelled'),
      inputTokens: fc.option(fc.integer({ min: 0, max: 20_000 }), { freq: 6 }),
      cacheReadTokens: fc.option(fc.integer({ min: 0, max: 5000 }), { freq: 3 }),
      cacheCreationTokens: fc.option(fc.integer({ min: 0, max: 500 }), { freq: 3 }),
      acceptancePassed: fc.option(fc.boolean(), { freq: 3 }),
      msElapsed: fc.option(fc.integer({ min: 0, max: 600_000 }), { freq: 4 }),
    }),
    { minLength: 0, maxLength: 400 },
  )
  .map((rows) => {
    const attempts = new Map<number, number>();
    return rows.map((row): TaskRecord => {
      const attemptNumber = (attempts.get(row.key) ?? 0) + 1;
      attempts.set(row.key, attemptNumber);
      return {
        arm: row.arm,
        taskKey: `fp-${row.key}`,
        attemptNumber,
        completedAt: T0 + row.minute * 60_000,
        status: row.status,
        inputTokens: row.inputTokens,
        cacheReadTokens: row.cacheReadTokens,
        cacheCreationTokens: row.cacheCreationTokens,
        acceptancePassed: row.acceptancePassed,
        msElapsed: row.msElapsed,
        sessionId: null,
      };
    });
  });

/** Gate decisions from tasks: each attempt allowed, plus a denied one before some of them. */
export function gateDecisionsOf(tasks: readonly TaskRecord[]): GateDecisionRecord[] {
  return tasks.flatMap((task, i) => {
    const allowed = {
      arm: task.arm,
      at: task.completedAt - 60_000,
      key: `${task.taskKey}#${task.attemptNumber}`,
      denied: false,
    };
    if (i % 3 !== 0) return [allowed];
    return [{ ...allowed, key: `${allowed.key}-denied`, denied: true }, allowed];
  });
}

const orNull = (value: number): number | null => (Number.isNaN(value) ? null : value);
const hex = (hi: number, lo: number): string =>
  `${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')}`;

/**
 * The columns as records, for tests and small datasets. The key of a task or decision is its hash
 * in hex: columns no longer hold the text.
 */
export function taskRecordsOf(columns: TaskColumns): TaskRecord[] {
  const records: TaskRecord[] = [];
  for (let i = 0; i < columns.length; i += 1) {
    const accepted = columns.acceptancePassed[i] as number;
    const session = columns.session[i] as number;
    records.push({
      arm: columns.arms[columns.arm[i] as number] as string,
      taskKey: hex(columns.keyHi[i] as number, columns.keyLo[i] as number),
      attemptNumber: columns.attemptNumber[i] as number,
      completedAt: columns.completedAt[i] as number,
      status: columns.statuses[columns.status[i] as number] as string,
      inputTokens: orNull(columns.inputTokens[i] as number),
      cacheReadTokens: orNull(columns.cacheReadTokens[i] as number),
      cacheCreationTokens: orNull(columns.cacheCreationTokens[i] as number),
      acceptancePassed: accepted === -1 ? null : accepted === 1,
      msElapsed: orNull(columns.msElapsed[i] as number),
      sessionId: session === -1 ? null : (columns.sessions[session] as string),
    });
  }
  return records;
}

export function gateDecisionRecordsOf(columns: GateDecisionColumns): GateDecisionRecord[] {
  const records: GateDecisionRecord[] = [];
  for (let i = 0; i < columns.length; i += 1) {
    records.push({
      arm: columns.arms[columns.arm[i] as number] as string,
      at: columns.at[i] as number,
      key: hex(columns.keyHi[i] as number, columns.keyLo[i] as number),
      denied: columns.denied[i] === 1,
    });
  }
  return records;
}
