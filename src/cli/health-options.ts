import type { Command } from 'commander';
import { analyze } from '../core/discover.js';
import type { Counts } from '../findings/schema.js';
import type { HealthConfig, Limit } from '../health/config.js';
import { type SnapshotMetric, snapshotOf } from '../health/snapshot.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/read-lines.js';
import { findSource } from '../sources/registry.js';
import { DEFAULT_ALPHA, DEFAULT_MIN_SAMPLES, MAX_LINE_BYTES, MIN_SAMPLES, SOURCE } from './discover.js';
import {
  addHealthSettingsOptions,
  type HealthSettingsFlags,
  MAX_DROP,
  MAX_RISE,
  resolveHealthSettings,
  resolveRepeated,
} from './health-settings.js';
import type { CliIo } from './io.js';
import { envOption, resolve } from './options.js';
import { SkipReporter } from './skip-reporter.js';
import { warnIfMostlySkipped } from './skipped-run.js';
import { inputPaths, sourceInputs } from './source-inputs.js';

export interface HealthFlags extends HealthSettingsFlags {
  source?: string;
  path?: string[];
  minSamples?: string;
  maxLineBytes?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options every health command shares: what to read and how to window it. */
export function addHealthOptions(command: Command): Command {
  return addHealthSettingsOptions(command)
    .addOption(envOption(SOURCE))
    .option(
      '--path <file|dir|->',
      'log file, directory of logs, or - for stdin; repeatable (env: AFTERBURN_<SOURCE>_PATH)',
      collect,
    )
    .addOption(envOption(MIN_SAMPLES))
    .addOption(envOption(MAX_LINE_BYTES));
}

export interface HealthRun {
  readonly source: string;
  readonly inputs: string[];
  readonly counts: Counts;
  readonly metrics: SnapshotMetric[];
  readonly config: HealthConfig;
}

/** Reads the source and returns its health snapshot; nothing is stored. */
export async function runHealth(flags: HealthFlags, io: CliIo): Promise<HealthRun> {
  const source = findSource(resolve(SOURCE, flags.source, io.env, 'dispatch-outcomes'));
  const { config, health } = await resolveHealthSettings(flags, io);
  const paths = inputPaths(source, flags.path, io, { guess: true });
  const { inputs, ...inputNames } = await sourceInputs(source, paths, io);
  const skips = new SkipReporter(io.stderr);
  const { counts, drafts } = await analyze({
    source,
    inputs,
    ...inputNames,
    givenPaths: paths,
    analysis: {
      alpha: DEFAULT_ALPHA,
      minSamples: resolve(MIN_SAMPLES, flags.minSamples, io.env, DEFAULT_MIN_SAMPLES),
      requireAcceptance: false,
      health,
    },
    maxLineBytes: resolve(MAX_LINE_BYTES, flags.maxLineBytes, io.env, DEFAULT_MAX_LINE_BYTES),
    diagnostics: skips,
    stdin: io.stdin,
  });
  skips.finish();
  warnIfMostlySkipped(counts, source, skips);
  return {
    source: source.name,
    inputs: source.expandInputs ? [...paths] : inputs.map((i) => i.name),
    counts,
    metrics: snapshotOf(drafts),
    config,
  };
}

/** The --max-drop and --max-rise values, from flags or variables. */
export interface LimitOverrides {
  readonly drops: ReadonlyMap<string, number>;
  readonly rises: ReadonlyMap<string, number>;
}

/** Parsed before any log is read, so a bad limit is exit 2 at once rather than after a long read. */
export function limitOverrides(flags: { maxDrop?: string[]; maxRise?: string[] }, io: CliIo): LimitOverrides {
  return {
    drops: resolveRepeated(MAX_DROP, flags.maxDrop, io, undefined),
    rises: resolveRepeated(MAX_RISE, flags.maxRise, io, undefined),
  };
}

/** Limits: defaults, then the config file, then variables, then flags (each per metric). */
export function resolveLimits(
  overrides: LimitOverrides,
  config: HealthConfig,
  defaults: ReadonlyMap<string, Limit>,
): Map<string, Limit> {
  const limits = new Map<string, Limit>(defaults);
  for (const [name, limit] of Object.entries(config.limits ?? {})) limits.set(name, limit);
  for (const [name, amount] of overrides.drops) limits.set(name, { ...limits.get(name), max_drop: amount });
  for (const [name, amount] of overrides.rises) limits.set(name, { ...limits.get(name), max_rise: amount });
  return limits;
}
