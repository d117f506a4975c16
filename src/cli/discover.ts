import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { toJson } from '../common/json.js';
import { discover } from '../core/discover.js';
import { evaluateGate, FAIL_ON, type FailOn, type GateRule } from '../core/gate.js';
import { cannotRunIncrementally } from '../core/incremental.js';
import type { RunReport } from '../findings/schema.js';
import { FindingStore } from '../findings/store.js';
import type { InputFile } from '../input/inputs.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/read-lines.js';
import { DEFAULT_PARALLEL_MIN_BYTES, MAX_DEFAULT_THREADS } from '../parallel/parallel-read.js';
import { oneLine } from '../render/format.js';
import { renderRunMarkdown } from '../render/markdown.js';
import { hideRejected } from '../render/review.js';
import { renderRunTable } from '../render/table.js';
import { findSource } from '../sources/registry.js';
import { readBuildId } from './build-id.js';
import { FORMAT, type OutputFormat, resolveStoreDir, SHOW_REJECTED, STORE } from './common-options.js';
import { githubEnabled, githubNegation, githubOption, publishToGitHub } from './github.js';
import {
  addHealthSettingsOptions,
  type HealthSettingsFlags,
  resolveHealthSettings,
} from './health-settings.js';
import type { CliIo } from './io.js';
import {
  boolean,
  choice,
  envOption,
  fraction,
  negatedOption,
  nonEmpty,
  type OptionSpec,
  positiveInteger,
  probability,
  resolve,
  threadCount,
} from './options.js';
import { Progress, showsProgress, waitingNotice } from './progress.js';
import { SkipReporter } from './skip-reporter.js';
import { nothingAnalysed, warnIfMostlySkipped } from './skipped-run.js';
import { inputPaths, sourceInputs } from './source-inputs.js';
import { storeOptions } from './store-options.js';
import { terminalOptions } from './terminal.js';

/**
 * Ten points: a steady fall over a dozen tasks can pass (the exact one-sided Mann–Kendall test
 * reaches p < 0.05 at n = 10 even with a few out-of-order points), while fewer points are too easy
 * to fool with one lucky run. The contract caps the default at 10.
 */
export const DEFAULT_MIN_SAMPLES = 10;
export const DEFAULT_ALPHA = 0.05;
/**
 * A PASS needs the fitted line to fall by at least 5% of its starting level over the span: on a
 * long log the trend test finds significance in falls far too small to matter (a few tokens a
 * day), and 5% is about the smallest change a cost review notices and a run-to-run wobble of
 * token counts (a few percent) does not make on its own. README, Efficiency trend, says more.
 */
export const DEFAULT_MIN_EFFECT = 0.05;

export const SOURCE: OptionSpec<string> = {
  flags: '--source <name>',
  description: 'telemetry source to read (see `afterburn sources`)',
  env: 'AFTERBURN_SOURCE',
  parse: nonEmpty,
  defaultDescription: 'dispatch-outcomes',
};
const FAIL_ON_OPTION: OptionSpec<FailOn> = {
  flags: '--fail-on <level>',
  description: `exit 1 when the run verdict is at or below this level, or nothing was analysed: ${FAIL_ON.join('|')}`,
  env: 'AFTERBURN_FAIL_ON',
  parse: choice(FAIL_ON),
  defaultDescription: 'never',
};
export const MIN_EFFECT: OptionSpec<number> = {
  flags: '--min-effect <fraction>',
  description:
    'a PASS needs the Theil–Sen line to fall by at least this share of its starting level (0 turns it off)',
  env: 'AFTERBURN_MIN_EFFECT',
  parse: fraction,
  defaultDescription: String(DEFAULT_MIN_EFFECT),
};
const GATE_ARMS: OptionSpec<boolean> = {
  flags: '--gate-arms',
  description: '--fail-on also fails when any arm’s verdict fails it, not only the global one',
  env: 'AFTERBURN_GATE_ARMS',
  parse: boolean,
  defaultDescription: 'false',
};
const ALPHA: OptionSpec<number> = {
  flags: '--alpha <p>',
  description: 'one-sided significance level of the Mann–Kendall trend test',
  env: 'AFTERBURN_ALPHA',
  parse: probability,
  defaultDescription: String(DEFAULT_ALPHA),
};
export const MIN_SAMPLES: OptionSpec<number> = {
  flags: '--min-samples <n>',
  description: 'fewer completed tasks than this give an inconclusive verdict',
  env: 'AFTERBURN_MIN_SAMPLES',
  parse: positiveInteger,
  defaultDescription: String(DEFAULT_MIN_SAMPLES),
};
const REQUIRE_ACCEPTANCE: OptionSpec<boolean> = {
  flags: '--require-acceptance',
  description: 'count a task as completed only when its acceptance command passed',
  env: 'AFTERBURN_REQUIRE_ACCEPTANCE',
  parse: boolean,
  defaultDescription: 'false',
};
const INCREMENTAL: OptionSpec<boolean> = {
  flags: '--incremental',
  description: 'read only what was appended since the last --incremental run (state kept in the store)',
  env: 'AFTERBURN_INCREMENTAL',
  parse: boolean,
  defaultDescription: 'false',
};
export const PARALLEL_MIN_BYTES: OptionSpec<number> = {
  flags: '--parallel-min-bytes <n>',
  description: 'files with at least this many bytes to read are parsed on several threads (--threads)',
  env: 'AFTERBURN_PARALLEL_MIN_BYTES',
  parse: positiveInteger,
  defaultDescription: String(DEFAULT_PARALLEL_MIN_BYTES),
};
export const THREADS: OptionSpec<number> = {
  flags: '--threads <n>',
  description:
    'how many threads parse a large file, or the files of a claude-code tree; 1 keeps the run on one core',
  env: 'AFTERBURN_THREADS',
  parse: threadCount,
  defaultDescription: `the number of cores, at most ${MAX_DEFAULT_THREADS}`,
};
export const MAX_LINE_BYTES: OptionSpec<number> = {
  flags: '--max-line-bytes <n>',
  description: 'longer lines are skipped and counted, never held in memory',
  env: 'AFTERBURN_MAX_LINE_BYTES',
  parse: positiveInteger,
  defaultDescription: String(DEFAULT_MAX_LINE_BYTES),
};

interface DiscoverFlags extends HealthSettingsFlags {
  source?: string;
  path?: string[];
  store?: string;
  format?: string;
  failOn?: string;
  gateArms?: boolean;
  minEffect?: string;
  showRejected?: boolean;
  alpha?: string;
  minSamples?: string;
  requireAcceptance?: boolean;
  maxLineBytes?: string;
  github?: boolean;
  incremental?: boolean;
  parallelMinBytes?: string;
  threads?: string;
}

/** The thread count the flag or its variable asks for; nothing, so the core picks one per core. */
export function optionalThreads(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { threads?: number } {
  const threads = resolve(THREADS, flag, env, undefined);
  return threads === undefined ? {} : { threads };
}

export function defaultFormat(io: CliIo): OutputFormat {
  return io.stdout.isTTY ? 'table' : 'json';
}

/**
 * Every human format of `discover` and `report` goes through here, so both render alike. The HTML
 * renderer (and d3 with it) is loaded only for HTML: most runs never need it.
 */
export async function renderReport(
  full: RunReport,
  format: OutputFormat,
  io: CliIo,
  options: { runAt?: string; showRejected: boolean },
): Promise<string> {
  if (format === 'json') return `${toJson(full, 2)}\n`;
  // People's formats leave rejected findings out (and say how many); the JSON contract keeps them.
  const { report, hiddenRejected } = hideRejected(full, options.showRejected);
  if (format === 'markdown') return renderRunMarkdown(report, { hiddenRejected });
  if (format === 'html') {
    const { renderRunHtml } = await import('../render/html.js');
    return renderRunHtml(report, {
      hiddenRejected,
      ...(options.runAt === undefined ? {} : { runAt: options.runAt }),
    });
  }
  return renderRunTable(report, { ...terminalOptions(io), hiddenRejected });
}

export function registerDiscover(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = program
    .command('discover')
    .description('read a telemetry log, analyse it, store the findings and print the run report')
    .addOption(envOption(SOURCE))
    .option(
      '--path <file|dir|->',
      'log file, directory of logs, or - for stdin; repeatable (env: AFTERBURN_<SOURCE>_PATH, e.g. AFTERBURN_DISPATCH_OUTCOMES_PATH)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(envOption(STORE))
    .addOption(envOption(FORMAT))
    .addOption(envOption(SHOW_REJECTED))
    .addOption(negatedOption(SHOW_REJECTED))
    .addOption(envOption(FAIL_ON_OPTION))
    .addOption(envOption(GATE_ARMS))
    .addOption(negatedOption(GATE_ARMS))
    .addOption(envOption(ALPHA))
    .addOption(envOption(MIN_EFFECT))
    .addOption(envOption(MIN_SAMPLES))
    .addOption(envOption(REQUIRE_ACCEPTANCE))
    .addOption(negatedOption(REQUIRE_ACCEPTANCE))
    .addOption(envOption(MAX_LINE_BYTES))
    .addOption(githubOption())
    .addOption(githubNegation())
    .addOption(envOption(INCREMENTAL))
    .addOption(negatedOption(INCREMENTAL))
    .addOption(envOption(PARALLEL_MIN_BYTES))
    .addOption(envOption(THREADS));
  addHealthSettingsOptions(command).action(async (flags: DiscoverFlags) => {
    const source = findSource(resolve(SOURCE, flags.source, io.env, 'dispatch-outcomes'));
    const incremental = resolve(INCREMENTAL, flags.incremental, io.env, false);
    // Refused before a path is looked at: a run that cannot keep state reads nothing.
    if (incremental && !source.incremental) throw cannotRunIncrementally(source);
    const paths = inputPaths(source, flags.path, io, { guess: true });
    const format = resolve(FORMAT, flags.format, io.env, defaultFormat(io));
    const gate: GateRule = {
      failOn: resolve(FAIL_ON_OPTION, flags.failOn, io.env, 'never'),
      gateArms: resolve(GATE_ARMS, flags.gateArms, io.env, false),
    };
    const analysis = {
      alpha: resolve(ALPHA, flags.alpha, io.env, DEFAULT_ALPHA),
      minEffect: resolve(MIN_EFFECT, flags.minEffect, io.env, DEFAULT_MIN_EFFECT),
      minSamples: resolve(MIN_SAMPLES, flags.minSamples, io.env, DEFAULT_MIN_SAMPLES),
      requireAcceptance: resolve(REQUIRE_ACCEPTANCE, flags.requireAcceptance, io.env, false),
      health: (await resolveHealthSettings(flags, io)).health,
    };
    const github = githubEnabled(flags.github, io);
    const maxLineBytes = resolve(MAX_LINE_BYTES, flags.maxLineBytes, io.env, DEFAULT_MAX_LINE_BYTES);
    const storeDir = resolveStoreDir(flags.store, io);
    const { inputs, ...inputNames } = await sourceInputs(source, paths, io);
    const skips = new SkipReporter(io.stderr);
    const progress = showsProgress(io) ? new Progress(io.stderr, await totalBytes(inputs), io.now) : null;
    let progressInput: InputFile | null = null;
    const store = new FindingStore(storeDir, storeOptions(io));
    const report = await discover(
      {
        source,
        inputs,
        ...inputNames,
        givenPaths: paths,
        analysis,
        maxLineBytes,
        parallelMinBytes: resolve(
          PARALLEL_MIN_BYTES,
          flags.parallelMinBytes,
          io.env,
          DEFAULT_PARALLEL_MIN_BYTES,
        ),
        ...optionalThreads(flags.threads, io.env),
        // A warning must not land on the end of the progress line.
        diagnostics: progress
          ? {
              skipped: (location, reason) => {
                progress.finish();
                skips.skipped(location, reason);
              },
            }
          : skips,
        stdin: io.stdin,
        ...waitingNotice(io),
        ...(progress
          ? {
              onBytes: (input: InputFile, bytes: number) => {
                if (input !== progressInput) progress.nextInput();
                progressInput = input;
                progress.update(bytes);
              },
            }
          : {}),
        ...(incremental
          ? {
              incremental: {
                notice: (m: string) => io.stderr.write(`afterburn: notice: ${m}\n`),
                warning: (m: string) => io.stderr.write(`afterburn: warning: ${m}\n`),
              },
            }
          : {}),
        ...(incremental ? { build: await readBuildId() } : {}),
      },
      store,
      io.now,
    );
    progress?.finish();
    skips.finish();
    warnIfMostlySkipped(report.counts, source, skips);
    io.stdout.write(
      await renderReport(report, format, io, {
        runAt: new Date(io.now()).toISOString(),
        showRejected: resolve(SHOW_REJECTED, flags.showRejected, io.env, false),
      }),
    );
    const outcome = evaluateGate(report, gate, nothingAnalysed(report.counts, source, skips));
    if (github) await publishToGitHub(report, io, { rule: gate, outcome });
    for (const reason of outcome.reasons) io.stderr.write(`afterburn: gate failed: ${oneLine(reason)}\n`);
    if (outcome.passedDespiteArms !== null)
      io.stderr.write(`afterburn: ${oneLine(outcome.passedDespiteArms)}\n`);
    if (outcome.failed) setExitCode(1);
  });
}

/** What a run will read, for the progress line; null when stdin is among the inputs. */
async function totalBytes(inputs: readonly InputFile[]): Promise<number | null> {
  let total = 0;
  for (const input of inputs) {
    if (input.path === null || input.pipe) return null;
    total += (await stat(input.path)).size;
  }
  return total;
}
