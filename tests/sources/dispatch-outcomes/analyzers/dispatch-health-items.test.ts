import { describe, expect, it } from 'vitest';
import { compareKeyHashes, hashKey } from '../../../../src/records/key-hash.js';
import type { TaskRecord } from '../../../../src/records/records.js';
import { taskColumnsFrom } from '../../../../src/records/task-columns.js';
import {
  firstSuccessRows,
  rowsWhere,
} from '../../../../src/sources/dispatch-outcomes/analyzers/dispatch-health-items.js';

function task(taskKey: string, attemptNumber: number, status = 'completed'): TaskRecord {
  return {
    arm: 'coder',
    taskKey,
    attemptNumber,
    completedAt: attemptNumber,
    status,
    inputTokens: null,
    cacheReadTokens: null,
    cacheCreationTokens: null,
    acceptancePassed: null,
    msElapsed: null,
    sessionId: null,
  };
}

describe('dispatch-health items on columns', () => {
  it('orders key hashes by (hi, lo), 0 only for the same hash', () => {
    const keys = ['fp1', 'fp2', 'fp3', 'fp1'];
    const hi = new Uint32Array(keys.length);
    const lo = new Uint32Array(keys.length);
    keys.forEach((key, i) => {
      [hi[i], lo[i]] = hashKey(key);
    });
    expect(compareKeyHashes(hi, lo, 0, 3)).toBe(0);
    for (const [a, b] of [
      [0, 1],
      [1, 2],
      [0, 2],
    ] as const) {
      const expected = Math.sign(
        (hi[a] as number) - (hi[b] as number) || (lo[a] as number) - (lo[b] as number),
      );
      expect(Math.sign(compareKeyHashes(hi, lo, a, b))).toBe(expected);
      expect(Math.sign(compareKeyHashes(hi, lo, b, a))).toBe(-expected);
    }
  });

  it('keeps, per task key, the completed attempt with the lowest number (the first row among equals)', () => {
    const tasks = taskColumnsFrom([
      task('a', 3),
      task('b', 1, 'failed'),
      task('a', 2),
      task('b', 2),
      task('c', 1),
      task('a', 2),
      task('b', 3),
    ]);
    const all = Uint32Array.from({ length: tasks.length }, (_, row) => row);
    const completed = rowsWhere(all, (row) => tasks.statuses[tasks.status[row] as number] === 'completed');
    expect([...completed]).toEqual([0, 2, 3, 4, 5, 6]);
    expect([...firstSuccessRows(tasks, completed)].sort((a, b) => a - b)).toEqual([2, 3, 4]);
    expect([...firstSuccessRows(tasks, new Uint32Array(0))]).toEqual([]);
  });

  it('groups by hash beyond the radix threshold too (thousands of rows)', () => {
    const records = Array.from({ length: 9000 }, (_, i) => task(`fp${i % 3000}`, 1 + Math.floor(i / 3000)));
    const tasks = taskColumnsFrom(records.reverse());
    const firsts = firstSuccessRows(
      tasks,
      Uint32Array.from({ length: tasks.length }, (_, row) => row),
    );
    expect(firsts.length).toBe(3000);
    expect([...firsts].every((row) => tasks.attemptNumber[row] === 1)).toBe(true);
  });
});
