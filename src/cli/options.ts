import { Option } from 'commander';
import { AfterburnError } from '../core/errors.js';

/**
 * Flags and their environment variables. A flag beats its variable; a variable beats the default;
 * a blank variable is unset. Values from either place go through the same validation, and the
 * error names where the bad value came from.
 */
export interface OptionSpec<T> {
  /** Commander flags, e.g. '--alpha <p>'. */
  readonly flags: string;
  readonly description: string;
  readonly env: string;
  /** Parses a textual value; throws a plain message (without the option name) when invalid. */
  readonly parse: (text: string) => T;
  readonly defaultDescription?: string;
}

export function envOption(spec: OptionSpec<unknown>): Option {
  const description = `${spec.description} (env: ${spec.env}${spec.defaultDescription ? `, default: ${spec.defaultDescription}` : ''})`;
  return new Option(spec.flags, description);
}

function flagName(spec: OptionSpec<unknown>): string {
  return spec.flags.split(/[ ,]/).find((part) => part.startsWith('--')) ?? spec.flags;
}

/** Resolves one option: the parsed flag value (commander gives a string or true), else env, else the fallback. */
export function resolve<T>(
  spec: OptionSpec<T>,
  flagValue: unknown,
  env: Readonly<Record<string, string | undefined>>,
  fallback: T,
): T {
  if (flagValue !== undefined) {
    return parseOrThrow(spec, typeof flagValue === 'string' ? flagValue : String(flagValue), flagName(spec));
  }
  const fromEnv = env[spec.env];
  if (fromEnv !== undefined) return parseOrThrow(spec, fromEnv.trim(), spec.env);
  return fallback;
}

function parseOrThrow<T>(spec: OptionSpec<T>, text: string, origin: string): T {
  try {
    return spec.parse(text);
  } catch (error) {
    throw new AfterburnError(
      'bad_value',
      `invalid ${origin} "${text.slice(0, 60)}": ${(error as Error).message}`,
      {
        hint: `see afterburn ${origin.startsWith('--') ? '--help' : 'README, Environment variables'}`,
      },
    );
  }
}

export function choice<T extends string>(values: readonly T[]): (text: string) => T {
  return (text) => {
    if ((values as readonly string[]).includes(text)) return text as T;
    throw new Error(`use one of ${values.join(', ')}`);
  };
}

export function probability(text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value <= 0 || value >= 1)
    throw new Error('must be a number between 0 and 1, e.g. 0.05');
  return value;
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new Error('must be a whole number of at least 1');
  return value;
}

export function nonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value))
    throw new Error('must be a whole number, e.g. 5000');
  return value;
}

export function boolean(text: string): boolean {
  const lower = text.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  throw new Error('use true or false (or 1/0)');
}

export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new Error('must not be empty');
  return text;
}
