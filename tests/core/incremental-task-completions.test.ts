import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/core/discover.js';
import type { RunReport } from '../../src/findings/schema.js';
import { FindingStore } from '../../src/findings/store.js';
import { resolveInputs } from '../../src/input/inputs.js';
import { taskCompletions } from '../../src/sources/task-completions/index.js';
import { tempDir } from '../helpers/cli.js';
import { countsAndFindings } from '../helpers/findings.js';
import { DEFAULT_OPTIONS } from '../helpers/records.js';
import { generateEvents, taskEvent, toLines } from '../helpers/task-completions.js';

const NOW = Date.UTC(2026, 5, 1);

async function run(dir: string, storeDir: string, incremental: boolean): Promise<RunReport> {
  return discover(
    {
      source: taskCompletions,
      inputs: await resolveInputs([dir], '/'),
      givenPaths: [dir],
      analysis: DEFAULT_OPTIONS,
      maxLineBytes: 4096,
      diagnostics: { skipped: () => {} },
      ...(incremental ? { incremental: { notice: () => {} } } : {}),
      build: 'test-build',
    },
    new FindingStore(storeDir, { now: () => NOW }),
    () => NOW,
  );
}

const results = (report: RunReport) => countsAndFindings(report);

/** Events with duplicate ids across files (a later copy that wins, one that loses), blank and bad lines. */
function logText(seed: number): Buffer {
  const events = generateEvents(seed, 40);
  const lines = toLines(events);
  lines.splice(20, 0, '', '{"event_id": "torn", "harn', JSON.stringify({ event_id: 'x' }));
  // A duplicate of an earlier event with an earlier timestamp: it replaces the first copy.
  lines.push(JSON.stringify(taskEvent({ ...events[3], timestamp: 1 })));
  lines.push(JSON.stringify(events[5]));
  return Buffer.from(`${lines.join('\n')}\n`);
}

describe('task-completions --incremental', () => {
  it('files that grow in any chunks and files that appear give the results of one full run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        // Cut points in millionths of the logs (doubles would cluster near 0 and 1).
        fc.array(fc.nat({ max: 999_999 }), { minLength: 2, maxLength: 4 }),
        async (seed, fractions) => {
          const root = tempDir('afterburn-tc-incr-');
          const logs = path.join(root, 'logs');
          (await import('node:fs')).mkdirSync(logs);
          // Two logs; the second one appears only at the second cut.
          const texts: [Buffer, Buffer] = [logText(seed), logText(seed + 1)];
          const total = texts[0].length + texts[1].length;
          const cuts = [...new Set(fractions.map((f) => Math.floor((f / 1e6) * total)))].sort(
            (a, b) => a - b,
          );
          const written: [number, number] = [0, 0];
          const files = ['a.jsonl', 'b.jsonl'].map((name) => path.join(logs, name));
          writeFileSync(files[0] as string, '');
          let last: RunReport | undefined;
          let linesThisRun = 0;
          for (const [step, cut] of [...cuts, total].entries()) {
            // The first log grows to its share of the cut, the second once it appears.
            const first = Math.min(cut, texts[0].length);
            appendFileSync(files[0] as string, texts[0].subarray(written[0], first));
            written[0] = first;
            if (step > 0 || cut === total) {
              const second = Math.max(0, cut - texts[0].length);
              appendFileSync(files[1] as string, texts[1].subarray(written[1], second));
              written[1] = second;
            }
            last = await run(logs, path.join(root, 'store'), true);
            linesThisRun += last.counts_this_run?.lines ?? Number.NaN;
          }
          const full = await run(logs, path.join(root, 'full'), false);
          expect(results(last as RunReport)).toEqual(results(full));
          expect(linesThisRun).toBe(full.counts.lines);
          const nothingNew = await run(logs, path.join(root, 'store'), true);
          expect(results(nothingNew)).toEqual(results(full));
          expect(nothingNew.counts_this_run?.lines).toBe(0);
        },
      ),
      { numRuns: 15, seed: 7 },
    );
  }, 120_000);

  it('counts this run over only the lines it read, duplicates of older lines included as new', async () => {
    const root = tempDir('afterburn-tc-incr-');
    const file = path.join(root, 'events.jsonl');
    const events = generateEvents(3, 10);
    writeFileSync(file, `${toLines(events).join('\n')}\n`);
    const store = path.join(root, 'store');
    await run(file, store, true);
    appendFileSync(file, `${JSON.stringify(events[0])}\n\n`);
    const second = await run(file, store, true);
    expect(second.counts).toMatchObject({ lines: 12, blank: 1, events: 11, duplicates: 1 });
    expect(second.counts_this_run).toMatchObject({ lines: 2, blank: 1, events: 1, duplicates: 0 });
  });
});
