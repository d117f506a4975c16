import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import type { ParseJob, ParseOutcome } from '../../src/parallel/helper-protocol.js';
import type { HelperThread } from '../../src/parallel/helper-thread.js';
import { rangeStarts, readParallel } from '../../src/parallel/parallel-read.js';
import { parseRange } from '../../src/parallel/parse-range.js';
import { collectSegments, dispatchOutcomes } from '../../src/sources/dispatch-outcomes/index.js';
import { tempDir } from '../helpers/cli.js';

/** Does on this thread what the helper thread does: the same parseRange, progress on every chunk. */
const inProcessHelper = {
  async parse(job: ParseJob, onProgress: (bytes: number) => void = () => {}): Promise<ParseOutcome> {
    return (await parseRange(collectSegments, job, onProgress)).reply;
  },
} as unknown as HelperThread;

describe('readParallel', () => {
  it("reports progress over both halves, not only this thread's", async () => {
    const file = path.join(tempDir('afterburn-progress-'), 'outcomes.jsonl');
    const chunks: string[] = [];
    generateLog({ seed: 3, targetBytes: 3_000_000, write: (chunk) => chunks.push(chunk) });
    const text = chunks.join('');
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    const session = dispatchOutcomes.open({ skipped: () => {} });
    session.beginInput(undefined);
    const seen: number[] = [];
    const read = await readParallel(
      session,
      { name: 'outcomes.jsonl', kind: 'file', path: file },
      {
        maxLineBytes: 1 << 20,
        parallelMinBytes: 1000,
        diagnostics: { skipped: () => {} },
        helpers: [inProcessHelper],
        onBytes: (bytes) => seen.push(bytes),
      },
    );
    expect(read.bytesRead).toBe(size);
    expect(seen.at(-1)).toBe(size);
    expect(seen.every((bytes, i) => i === 0 || bytes >= (seen[i - 1] as number))).toBe(true);
    // This thread alone never reads past the middle: a value beyond it before the end counts the helper.
    const middle = size / 2;
    expect(seen.some((bytes) => bytes > middle + 300_000 && bytes < size)).toBe(true);
  });

  it('gives the same records, counts and skipped lines on four threads as on one', async () => {
    const file = path.join(tempDir('afterburn-ranges-'), 'outcomes.jsonl');
    const chunks: string[] = [];
    generateLog({ seed: 4, targetBytes: 1_500_000, write: (chunk) => chunks.push(chunk) });
    writeFileSync(file, chunks.join(''));
    const read = async (helpers: HelperThread[]) => {
      const skipped: string[] = [];
      const diagnostics = {
        skipped: (at: { line: number }, reason: string) => skipped.push(`${at.line} ${reason}`),
      };
      const collector = collectSegments(diagnostics, { keepKeys: true });
      collector.beginInput(undefined);
      const result = await readParallel(
        collector,
        { name: 'outcomes.jsonl', kind: 'file', path: file },
        { maxLineBytes: 1 << 20, parallelMinBytes: 1000, diagnostics, helpers, keepKeys: true },
      );
      const segment = collector.segment();
      const columns = (set: object) =>
        Object.fromEntries(
          Object.entries(set).map(([name, values]) => [name, Array.from(values as ArrayLike<number>)]),
        );
      return {
        result,
        skipped,
        segment: {
          ...segment,
          dispatches: columns(segment.dispatches),
          finalizes: columns(segment.finalizes),
        },
      };
    };
    const one = await read([]);
    const four = await read([inProcessHelper, inProcessHelper, inProcessHelper]);
    expect(one.segment.dispatches.at?.length).toBeGreaterThan(300);
    expect(one.skipped.length).toBeGreaterThan(3);
    expect(four).toEqual(one);
  });
});

describe('rangeStarts', () => {
  const file = path.join(tempDir('afterburn-cuts-'), 'lines.txt');

  it('cuts a file into about equal ranges, each starting with the line after a cut point', async () => {
    writeFileSync(file, `${'0123456789\n'.repeat(1000)}`);
    const cuts = await rangeStarts(file, 0, 11_000, 4);
    expect(cuts).toEqual([2761, 5511, 8261]);
    const text = readFileSync(file);
    for (const cut of cuts) expect(text[cut - 1]).toBe(0x0a);
  });

  it('starts from the given offset (an incremental run reads only the end)', async () => {
    writeFileSync(file, `${'0123456789\n'.repeat(1000)}`);
    expect(await rangeStarts(file, 5500, 11_000, 2)).toEqual([8261]);
  });

  it('makes fewer ranges when lines are longer than a range, none without a newline to cut at', async () => {
    // One long line, then short ones: the first two cut points fall inside the long line.
    writeFileSync(file, `${'x'.repeat(6000)}\n${'0123456789\n'.repeat(400)}`);
    expect(await rangeStarts(file, 0, 10_401, 4)).toEqual([6001, 7805]);
    writeFileSync(file, 'x'.repeat(10_000));
    expect(await rangeStarts(file, 0, 10_000, 4)).toEqual([]);
    // A newline only as the last byte: nothing is left after it to give another thread.
    writeFileSync(file, `${'x'.repeat(9_999)}\n`);
    expect(await rangeStarts(file, 0, 10_000, 2)).toEqual([]);
  });
});
