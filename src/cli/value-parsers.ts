import { MAX_THREADS } from '../parallel/parallel-read.js';

/**
 * The parsers of flag and variable values: each takes the text and returns the value, or throws a
 * plain message (without the option's name, which options.ts adds). Apart from commander, so the
 * bin's prestart (prestart.ts) reads the same values the same way without loading the CLI.
 */

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

/** A share from 0 (inclusive: turns a minimum off) up to, not including, 1. */
export function fraction(text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value >= 1)
    throw new Error('must be a number from 0 up to (not including) 1, e.g. 0.05 for 5%');
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

/**
 * A boolean flag as commander reads it from a command line: the last of `--flag` and `--no-flag`
 * wins; undefined when neither is there. For what must be known before commander parses (the
 * prestart, --debug for errors commander itself raises).
 */
export function booleanFlagIn(argv: readonly string[], flag: string): boolean | undefined {
  let value: boolean | undefined;
  for (const arg of argv) {
    if (arg === '--') break;
    if (arg === flag) value = true;
    else if (arg === `--no-${flag.slice(2)}`) value = false;
  }
  return value;
}

export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new Error('must not be empty');
  return text;
}

export function threadCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > MAX_THREADS)
    throw new Error(`must be a whole number from 1 to ${MAX_THREADS}`);
  return value;
}
