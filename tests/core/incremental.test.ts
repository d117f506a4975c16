import { appendFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { type DiscoverRequest, discover } from '../../src/core/discover.js';
import {
  analysisKey,
  CursorBook,
  type FileIdentity,
  INCREMENTAL_STATE_VERSION,
  identify,
} from '../../src/core/incremental.js';
import type { RunReport } from '../../src/findings/schema.js';
import { FindingStore } from '../../src/findings/store.js';
import { resolveInputs } from '../../src/input/inputs.js';
import { dispatchOutcomes } from '../../src/sources/dispatch-outcomes/index.js';
import type { Source } from '../../src/sources/types.js';
import { tempDir } from '../helpers/cli.js';
import { countsAndFindings } from '../helpers/findings.js';
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
  more: Partial<DiscoverRequest> = {},
): Promise<RunReport> {
  const inputs = await resolveInputs(paths, '/');
  return discover(
    {
      source: dispatchOutcomes,
      inputs,
      analysis: DEFAULT_OPTIONS,
      maxLineBytes: 4096,
      diagnostics: { skipped: () => {}, notice: (m: string) => notices.push(m) },
      ...(incremental ? { incremental: { notice: (m: string) => notices.push(m) } } : {}),
      ...more,
    },
    new FindingStore(storeDir, { now: () => NOW }),
    () => NOW,
  );
}

/** dispatch-outcomes, counting the runs that joined and analysed the records. */
function countingSource(): { source: Source; analyses: () => number } {
  let analyses = 0;
  const source: Source = {
    ...dispatchOutcomes,
    open(diagnostics) {
      const session = dispatchOutcomes.open(diagnostics);
      return {
        ...session,
        finish(context) {
          analyses += 1;
          return session.finish(context);
        },
      };
    },
  };
  return { source, analyses: () => analyses };
}

/** What must not depend on how the log was read: counts and findings (minus store timestamps). */
function results(report: RunReport): unknown {
  return countsAndFindings(report);
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
          // With a build id: a run after an empty append reuses the previous analysis.
          const build = { build: 'test-build' };
          for (const cut of [...cuts, log.length]) {
            appendFileSync(file, log.subarray(written, cut));
            written = cut;
            last = await run([file], path.join(dir, 'store'), true, [], build);
            linesThisRun += last.counts_this_run?.lines ?? Number.NaN;
          }
          const full = await run([file], path.join(dir, 'full-store'), false);
          expect(results(last as RunReport)).toEqual(results(full));
          expect(linesThisRun).toBe(full.counts.lines);
          const nothingNew = await run([file], path.join(dir, 'store'), true, [], build);
          expect(results(nothingNew)).toEqual(results(full));
          expect(Object.values(nothingNew.counts_this_run ?? { lines: 1 }).every((n) => n === 0)).toBe(true);
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

  describe('with nothing new to read', () => {
    const build = 'test-build';

    it('reuses the last analysis of the same build and options instead of analysing again', async () => {
      const dir = tempDir('afterburn-incr-');
      const file = path.join(dir, 'outcomes.jsonl');
      writeFileSync(file, generated(6, 20_000));
      const { source, analyses } = countingSource();
      const store = path.join(dir, 'store');
      const first = await run([file], store, true, [], { source, build });
      const again = await run([file], store, true, [], { source, build });
      expect(analyses()).toBe(1);
      expect(results(again)).toEqual(results(first));
      expect(again.counts_this_run).toEqual(Object.fromEntries(Object.keys(first.counts).map((k) => [k, 0])));
      // A run from the sources has no build id: it always analyses.
      await run([file], store, true, [], { source });
      expect(analyses()).toBe(2);
    });

    it('analyses again for another build, other options, new bytes (even an unfinished line) or an input gone', async () => {
      const dir = tempDir('afterburn-incr-');
      const file = path.join(dir, 'outcomes.jsonl');
      const other = path.join(dir, 'other.jsonl');
      const log = generated(7, 30_000);
      const half = log.indexOf(10, 15_000) + 1;
      writeFileSync(file, log.subarray(0, half));
      writeFileSync(other, log.subarray(half));
      const { source, analyses } = countingSource();
      const store = path.join(dir, 'store');
      const again = async (paths: string[], more: Partial<DiscoverRequest> = {}) =>
        run(paths, store, true, [], { source, build, ...more });
      await again([file, other]);
      await again([file, other], { build: 'another-build' });
      expect(analyses()).toBe(2);
      const strict = { ...DEFAULT_OPTIONS, alpha: 0.01 };
      const stricter = await again([file, other], { analysis: strict });
      expect(analyses()).toBe(3);
      const fullStrict = await run([file, other], path.join(dir, 'full-strict'), false, [], {
        analysis: strict,
      });
      expect(results(stricter)).toEqual(results(fullStrict));
      const windows = (window: number) => ({
        ...strict,
        health: { windows: new Map([['completion_rate', window]]), thresholds: new Map() },
      });
      await again([file, other], { analysis: windows(20) });
      await again([file, other], { analysis: windows(20) });
      expect(analyses()).toBe(4);
      await again([file, other], { analysis: windows(30) });
      expect(analyses()).toBe(5);
      const gone = await again([file], { analysis: windows(30) });
      expect(analyses()).toBe(6);
      const fullGone = await run([file], path.join(dir, 'full-gone'), false, [], { analysis: windows(30) });
      expect(results(gone)).toEqual(results(fullGone));
      appendFileSync(file, '{"kind":"dispa');
      await again([file], { analysis: windows(30) });
      expect(analyses()).toBe(7);
      // The unfinished line is still unfinished: nothing new again.
      await again([file], { analysis: windows(30) });
      expect(analyses()).toBe(7);
    });

    it('reads a file whose unfinished last line was rewritten in place, to the same size', async () => {
      const dir = tempDir('afterburn-incr-');
      const file = path.join(dir, 'outcomes.jsonl');
      const line = dispatchLine();
      writeFileSync(file, `${line}\n{"kind":"dispatch`);
      const store = path.join(dir, 'store');
      expect((await run([file], store, true, [], { build })).counts.lines).toBe(1);
      // Same size, same head, a newline where the unfinished line was: one more (bad) line.
      writeFileSync(file, `${line}\n{"kind":"dispatc\n`);
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const after = await run([file], store, true, [], { build });
      expect(after.counts).toMatchObject({ lines: 2, skipped: 1 });
    });

    it('keeps the new name of an input renamed with nothing else new, reusing the analysis', async () => {
      const dir = tempDir('afterburn-incr-');
      const logs = path.join(dir, 'logs');
      (await import('node:fs')).mkdirSync(logs);
      writeFileSync(path.join(logs, 'outcomes.jsonl'), generated(8, 10_000));
      const { source, analyses } = countingSource();
      const store = path.join(dir, 'store');
      // As the CLI passes them: the directory as given, so verification commands name it, not its files.
      const more = { source, build, givenPaths: [logs] };
      const first = await run([logs], store, true, [], more);
      renameSync(path.join(logs, 'outcomes.jsonl'), path.join(logs, 'outcomes.jsonl.1'));
      const renamed = await run([logs], store, true, [], more);
      expect(analyses()).toBe(1);
      expect(results(renamed)).toEqual(results(first));
      const state = (await new FindingStore(store, { now: () => NOW }).readState('dispatch-outcomes')) as {
        cursors: { names: string[] };
      };
      expect(state.cursors.names.map((name) => path.basename(name))).toEqual(['outcomes.jsonl.1']);
    });

    it('prints the notices of the analysis it reuses', async () => {
      const dir = tempDir('afterburn-incr-');
      const file = path.join(dir, 'outcomes.jsonl');
      // A dispatch timestamped in seconds: the analysis notices it on every run.
      writeFileSync(file, `${dispatchLine({ ts_dispatched: 1_780_000_000 })}\n`);
      const { source, analyses } = countingSource();
      const first: string[] = [];
      const second: string[] = [];
      await run([file], path.join(dir, 'store'), true, first, { source, build });
      await run([file], path.join(dir, 'store'), true, second, { source, build });
      expect(analyses()).toBe(1);
      expect(first).toEqual([expect.stringContaining('looks like epoch seconds')]);
      expect(second).toEqual(first);
    });
  });
});

describe('the saved identity of a file just read', () => {
  it('keeps the size the run read up to, so lines appended after the read are still new', async () => {
    const file = path.join(tempDir('afterburn-incr-'), 'outcomes.jsonl');
    const line = dispatchLine();
    writeFileSync(file, `${line}\n`);
    const seen = Buffer.byteLength(`${line}\n`);
    // Appended after the read ended, before the identity was taken.
    appendFileSync(file, `${dispatchLine({ attempt_id: 'a2' })}\n`);
    const input = { name: file, kind: 'file' as const, path: file };
    const planWith = async (identity: FileIdentity) =>
      (
        await new CursorBook({
          schema_version: INCREMENTAL_STATE_VERSION,
          source: 'dispatch-outcomes',
          inputs: [{ name: file, kind: 'file', identity, offset: seen, lineNo: 1, segment: null }],
        }).plan(input)
      ).action;
    expect(await planWith(await identify(file, seen, seen))).toBe('read');
    // The size now would hide the appended line: the file would look unchanged.
    expect(await planWith(await identify(file, seen))).toBe('reuse');
  });
});

describe('analysisKey', () => {
  const context = (windows: [string, number][]) => ({
    source: 'dispatch-outcomes',
    inputs: ['a.jsonl'],
    options: { ...DEFAULT_OPTIONS, health: { windows: new Map(windows), thresholds: new Map() } },
  });

  it('names the build, the inputs and every option, maps included, whatever their order', () => {
    const key = analysisKey(
      'b1',
      context([
        ['x', 1],
        ['y', 2],
      ]),
    );
    expect(
      analysisKey(
        'b1',
        context([
          ['y', 2],
          ['x', 1],
        ]),
      ),
    ).toBe(key);
    expect(
      analysisKey(
        'b2',
        context([
          ['x', 1],
          ['y', 2],
        ]),
      ),
    ).not.toBe(key);
    expect(
      analysisKey(
        'b1',
        context([
          ['x', 1],
          ['y', 3],
        ]),
      ),
    ).not.toBe(key);
    expect(
      analysisKey('b1', {
        ...context([
          ['x', 1],
          ['y', 2],
        ]),
        inputs: ['b.jsonl'],
      }),
    ).not.toBe(key);
  });
});
