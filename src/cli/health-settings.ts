import type { Option } from 'commander';
import type { HealthSettings } from '../analyzers/types.js';
import { type HealthConfig, loadConfig, Thresholds } from '../health/config.js';
import type { Hysteresis } from '../stats/rolling.js';
import type { CliIo } from './io.js';
import { envOption, nonEmpty, type OptionSpec, positiveInteger, resolve } from './options.js';

/**
 * The health settings every command that computes rates takes (discover, metrics, baseline,
 * compare): the config file, and per-metric windows and thresholds from flags or variables.
 */
/** `metric=value` pairs from repeated flags or a comma-separated variable. */
function pairs<T>(parseValue: (text: string) => T): (text: string) => Map<string, T> {
  return (text) => {
    const result = new Map<string, T>();
    for (const part of text.split(',')) {
      const trimmed = part.trim();
      if (trimmed === '') continue;
      const at = trimmed.lastIndexOf('=');
      if (at <= 0) throw new Error(`expected metric=value, e.g. completion_rate=0.02, got "${trimmed}"`);
      result.set(trimmed.slice(0, at).trim(), parseValue(trimmed.slice(at + 1).trim()));
    }
    return result;
  };
}

function nonNegativeNumber(text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) throw new Error('must be a number of at least 0');
  return value;
}

function thresholdPair(text: string): Hysteresis {
  const [up, down] = text.split(':').map((t) => Number(t));
  const parsed = Thresholds.safeParse({ up, down });
  if (!parsed.success || !text.includes(':'))
    throw new Error('expected up:down, e.g. 0.85:0.7, with down ≤ up');
  return parsed.data;
}

export const CONFIG: OptionSpec<string> = {
  flags: '--config <file>',
  description: 'health config (windows, thresholds, limits)',
  env: 'AFTERBURN_CONFIG',
  parse: nonEmpty,
  defaultDescription: 'afterburn.config.json in the working directory, if present',
};
export const WINDOW: OptionSpec<Map<string, number>> = {
  flags: '--window <metric=n>',
  description: 'window of a rolling rate, repeatable (e.g. first_pass_merge_rate=50)',
  env: 'AFTERBURN_WINDOW',
  parse: pairs(positiveInteger),
};
export const THRESHOLD: OptionSpec<Map<string, Hysteresis>> = {
  flags: '--threshold <metric=up:down>',
  description: 'hysteresis levels of a rate, repeatable (e.g. rebase_conflict_rate=0.1:0.05)',
  env: 'AFTERBURN_THRESHOLD',
  parse: pairs(thresholdPair),
};
export const MAX_DROP: OptionSpec<Map<string, number>> = {
  flags: '--max-drop <metric=amount>',
  description: 'compare: largest allowed fall of a metric, repeatable (e.g. completion_rate=0.02)',
  env: 'AFTERBURN_MAX_DROP',
  parse: pairs(nonNegativeNumber),
};
export const MAX_RISE: OptionSpec<Map<string, number>> = {
  flags: '--max-rise <metric=amount>',
  description: 'compare: largest allowed rise of a metric, repeatable (e.g. ms_elapsed_p95=700)',
  env: 'AFTERBURN_MAX_RISE',
  parse: pairs(nonNegativeNumber),
};

/** Repeated flags beat the variable, which beats the config file. */
export function resolveRepeated<T>(
  spec: OptionSpec<Map<string, T>>,
  flags: string[] | undefined,
  io: CliIo,
  fromConfig: Record<string, T> | undefined,
): Map<string, T> {
  const merged = new Map<string, T>(Object.entries(fromConfig ?? {}));
  const overrides = flags === undefined ? resolve(spec, undefined, io.env, new Map<string, T>()) : null;
  for (const [k, v] of overrides ?? []) merged.set(k, v);
  for (const flag of flags ?? [])
    for (const [k, v] of resolve(spec, flag, io.env, new Map<string, T>())) merged.set(k, v);
  return merged;
}

export interface HealthSettingsFlags {
  config?: string;
  window?: string[];
  threshold?: string[];
}

/** Windows and thresholds: the config file, then the variable, then each repeated flag. */
export async function resolveHealthSettings(
  flags: HealthSettingsFlags,
  io: CliIo,
): Promise<{ config: HealthConfig; health: HealthSettings }> {
  const config = await loadConfig(resolve(CONFIG, flags.config, io.env, undefined), io.cwd);
  return {
    config,
    health: {
      windows: resolveRepeated(WINDOW, flags.window, io, config.windows),
      thresholds: resolveRepeated(THRESHOLD, flags.threshold, io, config.thresholds),
    },
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds --config, --window and --threshold (the last two repeatable). */
export function addHealthSettingsOptions<C extends { addOption: (o: Option) => C }>(command: C): C {
  return command
    .addOption(envOption(CONFIG))
    .addOption(envOption(WINDOW).argParser(collect))
    .addOption(envOption(THRESHOLD).argParser(collect));
}
