import type { Command } from 'commander';
import { AfterburnError } from '../common/errors.js';
import { toJson } from '../common/json.js';
import { loadBaseline } from '../health/baselines.js';
import { compareSnapshots, unmeasuredGated } from '../health/compare.js';
import { DEFAULT_LIMITS } from '../health/config.js';
import { renderDeltasMarkdown } from '../render/compare.js';
import { resolveStoreDir, STORE } from './common-options.js';
import {
  addHealthOptions,
  type HealthFlags,
  limitOverrides,
  resolveLimits,
  runHealth,
} from './health-options.js';
import { MAX_DROP, MAX_RISE } from './health-settings.js';
import type { CliIo } from './io.js';
import { boolean, choice, envOption, negatedOption, nonEmpty, type OptionSpec, resolve } from './options.js';

const COMPARE_FORMATS = ['markdown', 'json'] as const;
const COMPARE_FORMAT: OptionSpec<(typeof COMPARE_FORMATS)[number]> = {
  flags: '--format <format>',
  description: `output format: ${COMPARE_FORMATS.join('|')}`,
  env: 'AFTERBURN_FORMAT',
  parse: choice(COMPARE_FORMATS),
  defaultDescription: 'markdown on a terminal, json otherwise',
};
const BASELINE: OptionSpec<string> = {
  flags: '--baseline <name>',
  description: 'the baseline to compare against (saved with afterburn baseline save)',
  env: 'AFTERBURN_BASELINE',
  parse: nonEmpty,
};

const ALLOW_UNMEASURED: OptionSpec<boolean> = {
  flags: '--allow-unmeasured',
  description:
    'pass even when a metric with a limit has no value on one side (a window not full and no whole-log value, too few samples, or missing)',
  env: 'AFTERBURN_ALLOW_UNMEASURED',
  parse: boolean,
  defaultDescription: 'false: an unmeasured gated metric fails the compare',
};

interface CompareFlags extends HealthFlags {
  allowUnmeasured?: boolean;
  baseline?: string;
  store?: string;
  format?: string;
  maxDrop?: string[];
  maxRise?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerCompare(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  addHealthOptions(
    program
      .command('compare')
      .description(
        'compare the current health snapshot with a saved baseline; exit 1 when a limit is breached',
      ),
  )
    .addOption(envOption(BASELINE))
    .addOption(envOption(STORE))
    .addOption(envOption(COMPARE_FORMAT))
    .addOption(envOption(MAX_DROP).argParser(collect))
    .addOption(envOption(MAX_RISE).argParser(collect))
    .addOption(envOption(ALLOW_UNMEASURED))
    .addOption(negatedOption(ALLOW_UNMEASURED))
    .action(async (flags: CompareFlags) => {
      const name = resolve(BASELINE, flags.baseline, io.env, undefined);
      if (name === undefined) {
        throw new AfterburnError('usage', 'no baseline to compare against', {
          hint: 'pass --baseline <name> or set AFTERBURN_BASELINE',
        });
      }
      const overrides = limitOverrides(flags, io);
      const storeDir = resolveStoreDir(flags.store, io);
      const format = resolve(COMPARE_FORMAT, flags.format, io.env, io.stdout.isTTY ? 'markdown' : 'json');
      const baseline = await loadBaseline(storeDir, name);
      const run = await runHealth(flags, io);
      if (baseline.source !== run.source) {
        throw new AfterburnError(
          'usage',
          `baseline "${name}" was saved from source ${baseline.source}, not ${run.source}`,
          {
            hint: `pass --source ${baseline.source}, or save a baseline for ${run.source}`,
          },
        );
      }
      const limits = resolveLimits(overrides, run.config, DEFAULT_LIMITS);
      const allowUnmeasured = resolve(ALLOW_UNMEASURED, flags.allowUnmeasured, io.env, false);
      const deltas = compareSnapshots(baseline.metrics, run.metrics, limits);
      const breached = deltas.filter((d) => d.breached);
      const unmeasured = unmeasuredGated(deltas);
      if (format === 'json') {
        io.stdout.write(
          `${toJson({ schema_version: 1, baseline: name, source: run.source, saved_at: baseline.saved_at, breached: breached.length, unmeasured: unmeasured.length, allow_unmeasured: allowUnmeasured, deltas }, 2)}\n`,
        );
      } else {
        io.stdout.write(renderDeltasMarkdown(name, deltas, { allowUnmeasured }));
      }
      const wholeLog = deltas.filter((d) => d.basis === 'whole_log' && d.limit !== null);
      if (wholeLog.length > 0) {
        io.stderr.write(
          `afterburn: note: ${wholeLog.map((d) => d.name).join(', ')} compared on whole-log values: a window is not full (${wholeLog[0]?.note?.replace(/^whole-log values compared: /, '')})\n`,
        );
      }
      if (breached.length > 0) {
        io.stderr.write(
          `afterburn: gate failed: ${breached.map((d) => d.name).join(', ')} beyond the limit against baseline "${name}"\n`,
        );
        setExitCode(1);
      }
      if (unmeasured.length > 0 && !allowUnmeasured) {
        io.stderr.write(
          `afterburn: gate failed: ${unmeasured.map((d) => d.name).join(', ')} unmeasured against baseline "${name}" (${unmeasured[0]?.note?.replace(/^unmeasured: /, '')}): a gate never passes on what it could not measure; --allow-unmeasured lets it\n`,
        );
        setExitCode(1);
      }
    });
}
