import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import type { ParseJob, ParseOutcome } from '../../src/core/helper-protocol.js';
import type { HelperThread } from '../../src/core/helper-thread.js';
import { readParallel } from '../../src/core/parallel-read.js';
import { parseRange } from '../../src/core/parse-range.js';
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
        helper: inProcessHelper,
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
});
