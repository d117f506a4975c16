import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { currentGenerationSync } from '../src/findings/generations.js';
import { generateLog } from './generate.js';
import { MB, measure, ROOT, type Sample, SEED } from './measure.js';

/**
 * Many small files: a directory of one-line dispatch-outcomes logs (10,000 by default; --quick:
 * 1,000), read by a full discover, a first --incremental run, one after a line appended to one
 * file, and one with nothing new; with the size of the state and each run's peak RSS. The cost of
 * an incremental run and of its state must follow the data, not the number of files (#19 item 6).
 * With `baseline` (another build's bin/afterburn.js, e.g. of main), the same runs of it are
 * printed on the row above, so a change is measured side by side in one run.
 */

/** `files` one-line logs in a directory of `benchDir` (cached), from one generated log. */
function smallFiles(benchDir: string, files: number): string {
  const dir = path.join(benchDir, `small-${SEED}-${files}`);
  if (existsSync(path.join(dir, 'done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  // About 400 bytes a line: enough for `files` lines with room.
  generateLog({ seed: SEED, targetBytes: files * 600, write: (chunk) => lines.push(...chunk.split('\n')) });
  const kept = lines.filter((line) => line !== '').slice(0, files);
  if (kept.length < files) throw new Error(`generated ${kept.length} lines, not ${files}`);
  kept.forEach((line, i) => {
    writeFileSync(path.join(dir, `part-${String(i).padStart(6, '0')}.jsonl`), `${line}\n`);
  });
  writeFileSync(path.join(dir, 'done'), '');
  return dir;
}

function countsOf(bin: string, args: readonly string[]): unknown {
  const result = spawnSync(bin, ['discover', '--format', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * MB,
  });
  return (JSON.parse(result.stdout.toString()) as { counts: unknown }).counts;
}

interface Row {
  full: Sample;
  first: Sample;
  appended: Sample;
  nothingNew: Sample;
  stateBytes: number;
}

function runAll(bin: string, source: string, extraArgs: readonly string[]): Row {
  const scratch = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-small-'));
  try {
    const dir = path.join(scratch, 'logs');
    // A copy: the appended line must not reach the cached files.
    spawnSync('cp', ['-r', source, dir]);
    rmSync(path.join(dir, 'done'));
    const store = path.join(scratch, 'store');
    const args = ['discover', '--path', dir, '--format', 'json', ...extraArgs];
    const incremental = [...args, '--incremental', '--store', store];
    const full = measure(bin, [...args, '--store', path.join(scratch, 'full')]);
    const first = measure(bin, incremental);
    const last = path.join(dir, 'part-000000.jsonl');
    appendFileSync(last, '{"kind":"heartbeat","ts":1}\n');
    const appended = measure(bin, incremental);
    const nothingNew = measure(bin, incremental);
    const incrementalCounts = countsOf(bin, ['--path', dir, '--incremental', '--store', store, ...extraArgs]);
    const fullCounts = countsOf(bin, ['--path', dir, '--store', path.join(scratch, 'full2'), ...extraArgs]);
    if (JSON.stringify(incrementalCounts) !== JSON.stringify(fullCounts)) {
      throw new Error(
        `small files: incremental counts differ from a full run: ${JSON.stringify({ incrementalCounts, fullCounts })}`,
      );
    }
    const stateBytes = statSync(
      path.join(currentGenerationSync(store).dir, 'state/dispatch-outcomes.state'),
    ).size;
    return { full, first, appended, nothingNew, stateBytes };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function smallFilesBench(options: {
  benchDir: string;
  quick: boolean;
  extraArgs: readonly string[];
  baseline?: string;
}): void {
  const files = options.quick ? 1000 : 10_000;
  const source = smallFiles(options.benchDir, files);
  const bytes = Number(spawnSync('du', ['-sb', source]).stdout.toString().split('\t')[0]);
  console.log(`\n${files.toLocaleString('en')} one-line files (${(bytes / MB).toFixed(1)} MB on disk)`);
  console.log(
    'build | full ms / RSS MB (CPU ms) | first incremental | one line appended | nothing new | state KB | state B/file',
  );
  const builds: [string, string][] = [
    ...(options.baseline ? [['baseline', options.baseline] as [string, string]] : []),
    ['this', path.join(ROOT, 'bin/afterburn.js')],
  ];
  for (const [name, bin] of builds) {
    const row = runAll(bin, source, options.extraArgs);
    const cell = (sample: Sample) =>
      `${sample.ms.toFixed(0)} / ${sample.rssMb.toFixed(0)} (CPU ${sample.cpuMs.toFixed(0)})`;
    console.log(
      [
        name,
        cell(row.full),
        cell(row.first),
        cell(row.appended),
        cell(row.nothingNew),
        (row.stateBytes / 1024).toFixed(0),
        (row.stateBytes / files).toFixed(0),
      ].join(' | '),
    );
  }
}
