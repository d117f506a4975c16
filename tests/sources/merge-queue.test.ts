import { describe, expect, it } from 'vitest';
import { type MergeQueueDataset, mergeQueueAdapter } from '../../src/sources/merge-queue/index.js';

function read(inputs: Record<string, string[]>) {
  const skipped: { input: string; line: number; reason: string }[] = [];
  const session = mergeQueueAdapter.open({
    skipped: (location, reason) => skipped.push({ ...location, reason }),
  });
  for (const [input, lines] of Object.entries(inputs)) {
    lines.forEach((text, i) => {
      session.acceptLine(text, { input, line: i + 1 });
    });
  }
  const { counts, dataset } = session.finish();
  return { counts, merges: (dataset as MergeQueueDataset).merges, skipped };
}

const row = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    work_item_id: 'w1',
    project: 'alpha',
    story_id: 's1',
    attempts: 1,
    last_verdict: 'approved',
    merged_at: '2026-01-01T00:00:00Z',
    ...extra,
  });

describe('merge-queue source', () => {
  it('reads JSONL rows, CSV rows under their header, and outbox events targeting merged', () => {
    const { counts, merges, skipped } = read({
      'a.jsonl': [row(), row({ work_item_id: 'w2', attempts: 3, merged_at: 1767225600000, project: null })],
      'b.csv': [
        'work_item_id,project,story_id,attempts,last_verdict,merged_at',
        'w3,beta,s3,2,rebase_conflict,2026-01-02T00:00:00Z',
        '"w4","beta, inc",s4,1,approved,1767312000000',
      ],
      'c.jsonl': [
        JSON.stringify({
          kind: 'transition',
          work_item_id: 'w5',
          payload: { target: 'merged', attempts: 2, project: 'alpha', last_verdict: 'approved' },
          created_at: '2026-01-03T00:00:00Z',
        }),
        JSON.stringify({
          kind: 'transition',
          work_item_id: 'w6',
          payload: { target: 'review' },
          created_at: 5,
        }),
      ],
    });
    expect(skipped).toEqual([]);
    expect(counts).toMatchObject({
      lines: 7,
      blank: 0,
      skipped: 0,
      merged: 5,
      ignored: 1,
      header: 1,
      duplicates: 0,
    });
    expect(merges.map((m) => [m.workItemId, m.project, m.attempts, m.lastVerdict, m.mergedAt])).toEqual([
      ['w1', 'alpha', 1, 'approved', Date.UTC(2026, 0, 1)],
      ['w2', null, 3, 'approved', 1767225600000],
      ['w3', 'beta', 2, 'rebase_conflict', Date.UTC(2026, 0, 2)],
      ['w4', 'beta, inc', 1, 'approved', 1767312000000],
      ['w5', 'alpha', 2, 'approved', Date.UTC(2026, 0, 3)],
    ]);
  });

  it('skips and counts bad lines; lines = blank + skipped + merged + ignored + header', () => {
    const { counts, skipped } = read({
      'x.jsonl': [
        '',
        'not json',
        '[1]',
        row({ attempts: 0 }),
        row({ attempts: '2' }),
        row({ merged_at: 'yesterday' }),
        row({ phase: 'review' }),
      ],
      'y.csv': ['w9,alpha,s,1,approved,1', 'work_item_id,attempts,merged_at', 'w10,x,1'],
    });
    expect(skipped.map((s) => [s.input, s.line])).toEqual([
      ['x.jsonl', 2],
      ['x.jsonl', 3],
      ['x.jsonl', 4],
      ['x.jsonl', 5],
      ['x.jsonl', 6],
      ['y.csv', 1],
      ['y.csv', 3],
    ]);
    expect(counts.lines).toBe(10);
    expect(counts.lines).toBe(
      counts.blank +
        counts.skipped +
        (counts.merged as number) +
        (counts.ignored as number) +
        (counts.header as number),
    );
    expect(counts).toMatchObject({ blank: 1, skipped: 7, ignored: 1, header: 1, merged: 0 });
  });

  it('counts a merge reported twice as a duplicate and keeps the earliest report, whatever the order', () => {
    const later = row({ attempts: 2, merged_at: '2026-01-05T00:00:00Z' });
    const earlier = row({ attempts: 1 });
    for (const lines of [
      [later, earlier],
      [earlier, later],
    ]) {
      const { counts, merges } = read({ 'x.jsonl': lines });
      expect(counts).toMatchObject({ merged: 2, duplicates: 1 });
      expect(merges.map((m) => m.attempts)).toEqual([1]);
    }
  });

  it('keeps keys such as __proto__ in CSV headers as plain data', () => {
    const { merges, counts } = read({ 'z.csv': ['work_item_id,__proto__,attempts,merged_at', 'w1,x,1,5'] });
    expect(counts.skipped).toBe(0);
    expect(merges).toHaveLength(1);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
