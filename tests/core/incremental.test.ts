import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { discover } from '../../src/core/discover.js';
import type { RunReport } from '../../src/findings/schema.js';
import { FindingStore } from '../../src/findings/store.js';
import { resolveInputs } from '../../src/input/inputs.js';
import { dispatchOutcomes } from '../../src/sources/dispatch-outcomes/index.js';
import { tempDir } from '../helpers/cli.js';
import { DEFAULT_OPTIONS, dispatchLine, finalizeLine } from '../helpers/records.js';

const NOW = Date.UTC(2026, 5, 1);

function generated(seed: number, bytes: number): Buffer {
  const chunks: string[] = [];
  generateLog({ seed, targetBytes: bytes, write: (chunk) => chunks.push(chunk) });
  // Multi-byte UTF-8, so cut points also fall inside a character.
  const extra = [
    dispatchLine({ agent: 'réviseur', attempt_id: 'é1', prompt_fingerprint: 'fp-ü' }),
    finalizeLine({ agent: 'réviseur', attempt_id: 'é1', prompt_fingerprint: 'fp-ü', error: '✗ 失败' }),
  ];
  return Buffer.from(`${chunks.join('')}${extra.join('\n')}\n`);
}

async function run(
  paths: string[],
  storeDir: string,
  incremental: boolean,
  notices: string[] = [],
): Promise<RunReport> {
  const inputs = await resolveInputs(paths, '/');
  return discover(
    {
      source: dispatchOutcomes,
      inputs,
      analysis: DEFAULT_OPTIONS,
      maxLineBytes: 4096,
      diagnostics: { skipped: () => {} },
      ...(incremental ? { incremental: { notice: (m: string) => notices.push(m) } } : {}),
    },
    new FindingStore(storeDir, { now: () => NOW }),
    () => NOW,
  );
}

/** What must not depend on how the log was read: counts and findings (minus store timestamps). */
function results(report: RunReport): unknown {
  return {
    counts: report.counts,
    findings: report.findings.map(({ created_at: _c, updated_at: _u, ...finding }) => finding),
  };
}

describe('incremental runs', () => {
  it('a log appended in any chunks (cut anywhere, mid-line too) gives the same results as one full run', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        async (seed, fractions) => {
          const log = generated(seed, 20_000);
          const dir = tempDir('afterburn-incr-');
          const file = path.join(dir, 'outcomes.jsonl');
          const cuts = [...new Set(fractions.map((f) => Math.floor(f * log.length)))].sort((a, b) => a - b);
          writeFileSync(file, '');
          let written = 0;
          let last: RunReport | undefined;
          let linesThisRun = 0;
          for (const cut of [...cuts, log.length]) {
            appendFileSync(file, log.subarray(written, cut));
            written = cut;
            last = await run([file], path.join(dir, 'store'), true);
            linesThisRun += last.counts_this_run?.lines ?? Number.NaN;
          }
          const full = await run([file], path.join(dir, 'full-store'), false);
          expect(results(last as RunReport)).toEqual(results(full));
          expect(linesThisRun).toBe(full.counts.lines);
        },
      ),
      { numRuns: 20, seed: 42 },
    );
  });

  it('does not consume or count an unterminated last line until it is complete', async () => {
    const dir = tempDir('afterburn-incr-');
    const file = path.join(dir, 'outcomes.jsonl');
    const line = dispatchLine();
    writeFileSync(file, `${line}\n${line.slice(0, 20)}`);
    const first = await run([file], path.join(dir, 'store'), true);
    expect(first.counts).toMatchObject({ lines: 1, skipped: 0, dispatch: 1 });
    appendFileSync(file, `${line.slice(20).replace('"a1"', '"a2"')}\n`);
    const second = await run([file], path.join(dir, 'store'), true);
    expect(second.counts).toMatchObject({ lines: 2, skipped: 0, dispatch: 2 });
    expect(second.counts_this_run).toMatchObject({ lines: 1, dispatch: 1 });
  });

  it('re-reads a truncated or replaced file from the start, with a notice', async () => {
    const dir = tempDir('afterburn-incr-');
    const file = path.join(dir, 'outcomes.jsonl');
    writeFileSync(file, generated(1, 20_000));
    await run([file], path.join(dir, 'store'), true);
    writeFileSync(file, generated(2, 8_000));
    const notices: string[] = [];
    const after = await run([file], path.join(dir, 'store'), true, notices);
    expect(notices).toEqual([expect.stringContaining('truncated or replaced')]);
    expect(results(after)).toEqual(results(await run([file], path.join(dir, 'full'), false)));
    // Same length, different first bytes: rewritten in place.
    const same = generated(3, 8_000).subarray(0, (await import('node:fs')).statSync(file).size);
    writeFileSync(file, Buffer.concat([same.subarray(0, same.lastIndexOf(10) + 1)]));
    const rewritten: string[] = [];
    await run([file], path.join(dir, 'store'), true, rewritten);
    expect(rewritten).toHaveLength(1);
  });

  it('follows a log rotated by renaming inside a directory', async () => {
    const dir = tempDir('afterburn-incr-');
    const logs = path.join(dir, 'logs');
    const log = generated(5, 30_000);
    const middle = log.indexOf(10, 15_000) + 1;
    (await import('node:fs')).mkdirSync(logs);
    writeFileSync(path.join(logs, 'outcomes.jsonl'), log.subarray(0, 10_000));
    await run([logs], path.join(dir, 'store'), true);
    appendFileSync(path.join(logs, 'outcomes.jsonl'), log.subarray(10_000, middle));
    renameSync(path.join(logs, 'outcomes.jsonl'), path.join(logs, 'outcomes.jsonl.1'));
    writeFileSync(path.join(logs, 'outcomes.jsonl'), log.subarray(middle));
    const notices: string[] = [];
    const after = await run([logs], path.join(dir, 'store'), true, notices);
    expect(notices).toEqual([]);
    expect(after.counts_this_run?.lines).toBeLessThan(after.counts.lines);
    expect(results(after)).toEqual(results(await run([logs], path.join(dir, 'full'), false)));
  });
});
