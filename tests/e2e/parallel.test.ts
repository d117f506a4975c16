import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import type { RunReport } from '../../src/findings/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { reportWithoutTimes } from '../helpers/findings.js';

/** A generated log of about `bytes` in a fresh directory, its lines passed through `edit`. */
function generatedLog(
  seed: number,
  bytes: number,
  edit = (text: string) => text,
): { dir: string; log: string } {
  const dir = tempDir('afterburn-parallel-');
  const log = path.join(dir, 'outcomes.jsonl');
  const chunks: string[] = [];
  generateLog({ seed, targetBytes: bytes, write: (chunk) => chunks.push(chunk) });
  writeFileSync(log, edit(chunks.join('')));
  return { dir, log };
}

/** `discover` of `log` as JSON into its own store under `dir`. */
function discoverArgs(dir: string, log: string, store: string, extra: string[] = []): string[] {
  return ['discover', '--path', log, '--store', path.join(dir, store), '--format', 'json', ...extra];
}

/**
 * Runs `discover` of `log` on one thread and on each of `threads`, each into its own store, checks
 * that every run gives one thread's report and warnings, and returns the one-thread run.
 */
async function sameReportOnThreads(dir: string, log: string, threads: string[], extra: string[] = []) {
  const [one, ...others] = await Promise.all(
    ['1', ...threads].map((count) =>
      runCli(
        discoverArgs(dir, log, `threads-${count}`, [
          '--parallel-min-bytes',
          '1000',
          '--threads',
          count,
          ...extra,
        ]),
      ),
    ),
  );
  expect(one?.code, one?.stderr).toBe(0);
  for (const other of others) {
    expect(reportWithoutTimes(other.stdout)).toEqual(reportWithoutTimes(one?.stdout ?? ''));
    expect(other.stderr).toBe(one?.stderr);
  }
  return one as Awaited<ReturnType<typeof runCli>>;
}

describe('parsing on several threads', () => {
  it('gives the same report and the same warnings on two or three threads as on one', async () => {
    const { dir, log } = generatedLog(11, 300_000);
    const one = await sameReportOnThreads(dir, log, ['2', '3']);
    expect(one.stderr).toMatch(/skipped/);
  });

  it('stays on one thread below --parallel-min-bytes, whatever --threads says', async () => {
    const { dir, log } = generatedLog(11, 300_000);
    const args = (store: string, threshold: string) =>
      discoverArgs(dir, log, store, ['--parallel-min-bytes', threshold, '--threads', '2']);
    const [split, whole] = await Promise.all([
      runCli(args('split', '1000')),
      runCli(args('whole', '1000000000')),
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(reportWithoutTimes(split.stdout)).toEqual(reportWithoutTimes(whole.stdout));
    expect(split.stderr).toBe(whole.stderr);
  });

  it('exports the same rows and warnings on two or four threads as on one', async () => {
    const { log } = generatedLog(11, 300_000);
    const args = (threads: string) => [
      'export',
      '--path',
      log,
      '--parallel-min-bytes',
      '1000',
      '--threads',
      threads,
    ];
    const [two, four, one] = await Promise.all([runCli(args('2')), runCli(args('4')), runCli(args('1'))]);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout.split('\n').length).toBeGreaterThan(200);
    expect(two.stdout).toBe(one.stdout);
    expect(four.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(four.stderr).toBe(one.stderr);
    expect(two.stderr).toMatch(/skipped/);
  });

  it('keeps incremental cursors exact when the appended part is parsed on three threads', async () => {
    const dir = tempDir('afterburn-parallel-');
    const log = path.join(dir, 'outcomes.jsonl');
    const chunks: string[] = [];
    generateLog({ seed: 12, targetBytes: 300_000, write: (chunk) => chunks.push(chunk) });
    const text = Buffer.from(chunks.join(''));
    const env = { AFTERBURN_INCREMENTAL: '1', AFTERBURN_PARALLEL_MIN_BYTES: '1000', AFTERBURN_THREADS: '3' };
    const incremental = ['discover', '--path', log, '--store', path.join(dir, 'store'), '--format', 'json'];
    writeFileSync(log, text.subarray(0, 100_003));
    expect((await runCli(incremental, { env })).code).toBe(0);
    appendFileSync(log, text.subarray(100_003, 200_017));
    expect((await runCli(incremental, { env })).code).toBe(0);
    appendFileSync(log, text.subarray(200_017));
    const last = await runCli(incremental, { env });
    const full = await runCli([
      'discover',
      '--path',
      log,
      '--store',
      path.join(dir, 'full'),
      '--format',
      'json',
    ]);
    const { counts_this_run: _, ...lastReport } = reportWithoutTimes(last.stdout) as RunReport;
    expect(lastReport).toEqual(reportWithoutTimes(full.stdout));
  });

  it('names timestamps that look like seconds in both halves, with their real line numbers', async () => {
    const seconds = (line: string): string =>
      line.replace(/"ts_dispatched":(\d+)\d{3}/, '"ts_dispatched":$1');
    let first = -1;
    let last = -1;
    const { dir, log } = generatedLog(13, 200_000, (text) => {
      const lines = text.split('\n').filter((line) => line !== '');
      // One record near the start and one near the end: one in each thread's half.
      first = lines.findIndex((line) => line.includes('"kind":"dispatch"'));
      last = lines.findLastIndex((line) => line.includes('"kind":"dispatch"'));
      lines[first] = seconds(lines[first] as string);
      lines[last] = seconds(lines[last] as string);
      return `${lines.join('\n')}\n`;
    });
    const args = (store: string, threads: string) =>
      discoverArgs(dir, log, store, ['--parallel-min-bytes', '1000', '--threads', threads]);
    const [two, one] = await Promise.all([runCli(args('two', '2')), runCli(args('one', '1'))]);
    const notice = `2 record(s) have ts_dispatched below 1e+11, which looks like epoch seconds rather than milliseconds (${log}:${first + 1}, ${log}:${last + 1})`;
    expect(two.stderr).toContain(notice);
    expect(two.stderr).toBe(one.stderr);
  });

  it('helpers started before the CLI loads give the same report, claimed or left unused', async () => {
    // Just over the 32 MiB at which the bin script starts the helpers early.
    const { dir, log } = generatedLog(14, 32 * 1024 * 1024 + 1000);
    const args = (store: string, extra: string[]) => discoverArgs(dir, log, store, extra);
    // Default threshold: the prestarted helpers parse their ranges. Huge threshold: none is claimed.
    const [claimed, unused] = await Promise.all([
      runCli(args('claimed', ['--threads', '3'])),
      runCli(args('unused', ['--parallel-min-bytes', '1000000000000', '--threads', '3'])),
    ]);
    expect(claimed.code, claimed.stderr).toBe(0);
    expect(unused.code, unused.stderr).toBe(0);
    expect(reportWithoutTimes(claimed.stdout)).toEqual(reportWithoutTimes(unused.stdout));
    expect(claimed.stderr).toBe(unused.stderr);
  });

  it('splits hostile logs the same way: a long line across the middle, bad bytes, NULs, CRLF', async () => {
    const { dir, log } = generatedLog(15, 200_000);
    const good = readFileSync(log);
    const middle = Math.floor(good.length / 2);
    const cut = good.indexOf(10, middle - 20_000) + 1;
    const hostile = Buffer.concat([
      good.subarray(0, cut),
      Buffer.from('\xff\xfe not utf-8\n', 'latin1'),
      Buffer.from(`{"kind":"dispatch"${' '.repeat(50_000)}}\n`),
      Buffer.from('{"kind":"finalize",\u0000"x":1}\n'),
      Buffer.from(good.subarray(cut).toString('latin1').replaceAll('\n', '\r\n'), 'latin1'),
    ]);
    writeFileSync(log, hostile);
    const one = await sameReportOnThreads(dir, log, ['2', '4'], ['--max-line-bytes', '40000']);
    expect(one.stderr).toMatch(/not valid UTF-8/);
    expect(one.stderr).toMatch(/longer than 40000 bytes/);
    expect(one.stderr).toMatch(/NUL bytes/);
  });
});
