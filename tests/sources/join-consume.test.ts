import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { collectSegments } from '../../src/sources/dispatch-outcomes/index.js';
import { joinSegment } from '../../src/sources/dispatch-outcomes/join.js';
import { concatSegments, type Segment } from '../../src/sources/dispatch-outcomes/segment.js';

function segmentOf(seed: number): Segment {
  const collector = collectSegments({ skipped: () => {} });
  const text: string[] = [];
  generateLog({ seed, targetBytes: 120_000, write: (chunk) => text.push(chunk) });
  for (const [i, line] of text.join('').split('\n').entries()) {
    if (line !== '') collector.acceptLine(line, { input: 'x.jsonl', line: i + 1 });
  }
  return collector.segment();
}

const plain = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v) => (ArrayBuffer.isView(v) ? [...(v as Float64Array)] : v)));

describe('joinSegment consuming its segment', () => {
  it('gives the tasks a copying join gives', () => {
    const segment = segmentOf(21);
    const copied = joinSegment(segment);
    // A private copy to consume: the two must not share columns.
    const own = concatSegments([
      segment,
      {
        ...segment,
        dispatches: { ...segment.dispatches, length: 0 },
        finalizes: { ...segment.finalizes, length: 0 },
      },
    ]);
    expect(own.finalizes.at).not.toBe(segment.finalizes.at);
    const consumed = joinSegment(own, { consume: true });
    expect(copied.tasks.length).toBeGreaterThan(100);
    expect(plain(consumed.tasks)).toEqual(plain(copied.tasks));
    expect(consumed.counts).toEqual(copied.counts);
    // The consumed segment's finalize columns now hold the tasks.
    expect(consumed.tasks.completedAt.buffer).toBe(own.finalizes.at.buffer);
  });
});
