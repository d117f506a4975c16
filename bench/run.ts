import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { currentGenerationSync } from '../src/findings/generations.js';
import { claudeCodeBench } from './claude-code.js';
import { generateLogFile } from './generate.js';
import { MB, measure, medianOf, ROOT, type Sample, SEED } from './measure.js';
import { smallFilesBench } from './small-files.js';

/**
 * `npm run bench`: the real CLI (`discover`, all analyzers, store written) against the floor
 * (stream + split2 + JSON.parse) on the same generated file, alternating, several rounds; then a
 * cron run (`discover --incremental` with nothing appended since the last run), several rounds;
 * then a 1% cron run: a copy of the log read once with --incremental, 1% new lines appended, and
 * the run that reads them timed (its counts checked against a full run over the grown copy).
 *   npm run bench                  64 MB, 256 MB and 1 GB, 3 rounds
 *   npm run bench -- --quick       4 MB and 16 MB, 2 rounds (smoke)
 *   npm run bench -- --sizes 64,1024 --rounds 5
 *   npm run bench -- --only claude-code   the Claude Code case alone (bench/claude-code.ts)
 *   npm run bench -- --only small-files   10,000 one-line files alone (bench/small-files.ts)
 *   npm run bench -- --baseline ../main/bin/afterburn.js   the small-files runs of another build too
 *   npm run bench -- --skip claude-code   everything else
 * Then a Claude Code transcript tree (~500 MB over ~600 files; --quick: 24 MB over 60) against
 * ccusage on the same tree, and an incremental run after one new session file.
 * Generated logs are cached in $BENCH_DIR (default $TMPDIR/afterburn-bench).
 */

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const quick = process.argv.includes('--quick');
const sizes = (argValue('--sizes') ?? (quick ? '4,16' : '64,256,1024')).split(',').map(Number);
const rounds = Number(argValue('--rounds') ?? (quick ? 2 : 3));
const extraArgs = argValue('--args')?.split(' ') ?? [];
const benchDir = process.env.BENCH_DIR ?? path.join(tmpdir(), 'afterburn-bench');

/** The report's counts of `discover` over `args` (not timed). */
function countsOf(args: readonly string[]): unknown {
  const result = spawnSync(path.join(ROOT, 'bin/afterburn.js'), ['discover', '--format', 'json', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * MB,
  });
  return (JSON.parse(result.stdout.toString()) as { counts: unknown }).counts;
}

/**
 * The cron run after 1% new lines, each round on a fresh copy of the log: a first --incremental
 * run (not timed), 1% of the log's size of new lines (another seed) appended, the run timed.
 */
function cronAfterOnePercent(file: string, bytes: number): { samples: Sample[]; stateBytesPerTask: number } {
  const extra = path.join(benchDir, `outcomes-${SEED + 1}-${bytes}-1pct.jsonl`);
  if (!existsSync(extra)) generateLogFile(extra, SEED + 1, Math.round(bytes / 100));
  const samples: Sample[] = [];
  let stateBytesPerTask = Number.NaN;
  for (let round = 0; round < rounds; round += 1) {
    const scratch = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-1pct-'));
    const copy = path.join(scratch, 'outcomes.jsonl');
    const store = path.join(scratch, 'store');
    copyFileSync(file, copy);
    const args = [
      'discover',
      '--path',
      copy,
      '--format',
      'json',
      '--incremental',
      '--store',
      store,
      ...extraArgs,
    ];
    measure(path.join(ROOT, 'bin/afterburn.js'), args);
    appendFileSync(copy, readFileSync(extra));
    samples.push(measure(path.join(ROOT, 'bin/afterburn.js'), args));
    if (round === 0) {
      const incremental = countsOf(['--path', copy, '--incremental', '--store', store, ...extraArgs]);
      const full = countsOf(['--path', copy, '--store', path.join(scratch, 'full'), ...extraArgs]);
      if (JSON.stringify(incremental) !== JSON.stringify(full)) {
        throw new Error(
          `the 1% cron run's counts differ from a full run: ${JSON.stringify({ incremental, full })}`,
        );
      }
      const tasks = (full as { finalize: number }).finalize;
      stateBytesPerTask =
        statSync(path.join(currentGenerationSync(store).dir, 'state/dispatch-outcomes.state')).size / tasks;
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  return { samples, stateBytesPerTask };
}

const only = argValue('--only');
const skip = argValue('--skip');
const runs = (name: string): boolean => (only === undefined || only === name) && skip !== name;
mkdirSync(benchDir, { recursive: true });
if (runs('dispatch-outcomes')) {
  console.log(`node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'})`);
  console.log(
    'size MB | floor ms | discover ms | ratio | discover MB/s | floor RSS MB | discover RSS MB | 1-thread ms | 1-thread ratio | 1-thread RSS MB | CPU ms floor / discover / 1-thread | cron ms | cron RSS MB | cron 1% ms | cron 1% RSS MB | 1%/discover | CPU ms cron / cron 1% / discover (1%/discover) | state B/task',
  );
  const results: { bytes: number; discoverMs: number }[] = [];
  for (const sizeMb of sizes) {
    const file = path.join(benchDir, `outcomes-${SEED}-${sizeMb}mb.jsonl`);
    if (!existsSync(file)) generateLogFile(file, SEED, sizeMb * MB);
    const bytes = statSync(file).size;
    const floor: Sample[] = [];
    const discover: Sample[] = [];
    // The same run without helper threads: whether they earn their place on this machine.
    const oneThread: Sample[] = [];
    for (let round = 0; round < rounds; round += 1) {
      floor.push(measure(process.execPath, [path.join(ROOT, 'bench/floor.mjs'), file]));
      discover.push(
        measure(path.join(ROOT, 'bin/afterburn.js'), [
          'discover',
          '--path',
          file,
          '--format',
          'json',
          ...extraArgs,
        ]),
      );
      oneThread.push(
        measure(path.join(ROOT, 'bin/afterburn.js'), [
          'discover',
          '--path',
          file,
          '--format',
          'json',
          ...extraArgs,
          '--threads',
          '1',
        ]),
      );
    }
    // A cron run: `discover --incremental` again on a log with nothing appended since the last one.
    const store = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-store-'));
    const incremental = [
      path.join(ROOT, 'bin/afterburn.js'),
      ['discover', '--path', file, '--format', 'json', '--incremental', '--store', store, ...extraArgs],
    ] as const;
    measure(...incremental);
    const cron: Sample[] = [];
    for (let round = 0; round < rounds; round += 1) cron.push(measure(...incremental));
    rmSync(store, { recursive: true, force: true });
    const onePercent = cronAfterOnePercent(file, bytes);
    const floorMs = medianOf(floor.map((s) => s.ms));
    const discoverMs = medianOf(discover.map((s) => s.ms));
    const oneThreadMs = medianOf(oneThread.map((s) => s.ms));
    results.push({ bytes, discoverMs });
    console.log(
      [
        (bytes / MB).toFixed(0),
        floorMs.toFixed(0),
        discoverMs.toFixed(0),
        (discoverMs / floorMs).toFixed(2),
        (bytes / MB / (discoverMs / 1000)).toFixed(0),
        Math.max(...floor.map((s) => s.rssMb)).toFixed(0),
        Math.max(...discover.map((s) => s.rssMb)).toFixed(0),
        oneThreadMs.toFixed(0),
        (oneThreadMs / floorMs).toFixed(2),
        Math.max(...oneThread.map((s) => s.rssMb)).toFixed(0),
        [floor, discover, oneThread]
          .map((samples) => medianOf(samples.map((s) => s.cpuMs)).toFixed(0))
          .join(' / '),
        medianOf(cron.map((s) => s.ms)).toFixed(0),
        Math.max(...cron.map((s) => s.rssMb)).toFixed(0),
        medianOf(onePercent.samples.map((s) => s.ms)).toFixed(0),
        Math.max(...onePercent.samples.map((s) => s.rssMb)).toFixed(0),
        (medianOf(onePercent.samples.map((s) => s.ms)) / discoverMs).toFixed(2),
        // CPU time moves less than wall time on a shared machine.
        `${[cron, onePercent.samples, discover].map((samples) => medianOf(samples.map((s) => s.cpuMs)).toFixed(0)).join(' / ')} (${(
          medianOf(onePercent.samples.map((s) => s.cpuMs)) / medianOf(discover.map((s) => s.cpuMs))
        ).toFixed(2)})`,
        onePercent.stateBytesPerTask.toFixed(0),
      ].join(' | '),
    );
  }
  if (results.length >= 2) {
    const first = results[0] as { bytes: number; discoverMs: number };
    const last = results[results.length - 1] as { bytes: number; discoverMs: number };
    console.log(
      `growth: ${(last.bytes / first.bytes).toFixed(2)}x input -> ${(last.discoverMs / first.discoverMs).toFixed(2)}x discover time`,
    );
  }
}

if (runs('small-files')) {
  const baseline = argValue('--baseline');
  smallFilesBench({ benchDir, quick, extraArgs, ...(baseline ? { baseline: path.resolve(baseline) } : {}) });
}

if (runs('claude-code')) {
  await claudeCodeBench({ benchDir, quick, rounds, extraArgs });
}
