import { Option } from 'commander';
import { AfterburnError } from '../common/errors.js';

export {
  boolean,
  booleanFlagIn,
  choice,
  fraction,
  nonEmpty,
  nonNegativeInteger,
  positiveInteger,
  probability,
  threadCount,
} from './value-parsers.js';

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

/**
 * The off switch every boolean option has beside it: `--no-json` for `--json`, so a script can turn
 * off what its variable (AFTERBURN_JSON=1|0|true|false) or a default turned on. Commander keeps
 * whichever of the two comes last and leaves the value undefined when neither is given, so the
 * variable still applies.
 */
export function negatedOption(spec: OptionSpec<boolean>): Option {
  const flag = flagName(spec);
  return new Option(`--no-${flag.slice(2)}`, `turn ${flag} off (beats ${spec.env})`);
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
