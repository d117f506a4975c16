import { statSync } from 'node:fs';
import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import type { CliIo } from './io.js';
import { boolean, choice, nonEmpty, type OptionSpec, resolve } from './options.js';

export const DEFAULT_STORE = '.afterburn';

export const STORE: OptionSpec<string> = {
  flags: '--store <dir>',
  description: 'findings store directory',
  env: 'AFTERBURN_STORE',
  parse: nonEmpty,
  defaultDescription: DEFAULT_STORE,
};

/** The store directory (--store > AFTERBURN_STORE > .afterburn), absolute from the working directory. */
export function resolveStoreDir(flag: string | undefined, io: CliIo): string {
  return storeDir(flag, io).dir;
}

/**
 * The store directory of a command that only reads it (`findings list`, `show`, `verify`): a store
 * that is not there is an error naming it, not an empty list that hides a wrong --store.
 */
export function existingStoreDir(flag: string | undefined, io: CliIo): string {
  const { dir, given, exists } = storeDir(flag, io);
  if (!exists) {
    throw new AfterburnError('missing_path', `no store at ${given}`, {
      hint: 'run afterburn discover first, or point --store / AFTERBURN_STORE at an existing store',
    });
  }
  return dir;
}

/** Checked once here, for every command: a file given as --store gets a plain message, not ENOTDIR. */
function storeDir(flag: string | undefined, io: CliIo): { dir: string; given: string; exists: boolean } {
  const given = resolve(STORE, flag, io.env, DEFAULT_STORE);
  const dir = path.resolve(io.cwd, given);
  let stats: import('node:fs').Stats | undefined;
  try {
    stats = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR: a file stands where a parent directory should be.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw notADirectory(given);
    // Anything else (EACCES, …): the store's own read reports it, with its hint.
    return { dir, given, exists: true };
  }
  if (stats !== undefined && !stats.isDirectory()) throw notADirectory(given);
  const exists = stats !== undefined;
  return { dir, given, exists };
}

function notADirectory(given: string): AfterburnError {
  return new AfterburnError('bad_value', `store ${given} is not a directory`, {
    hint: 'point --store / AFTERBURN_STORE at a directory; afterburn creates a missing one on the first discover',
  });
}

export const OUTPUT_FORMATS = ['table', 'json', 'markdown', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const FORMAT: OptionSpec<OutputFormat> = {
  flags: '--format <format>',
  description: `output format: ${OUTPUT_FORMATS.join('|')}`,
  env: 'AFTERBURN_FORMAT',
  parse: choice(OUTPUT_FORMATS),
  defaultDescription: 'table on a terminal, json otherwise',
};

export const SHOW_REJECTED: OptionSpec<boolean> = {
  flags: '--show-rejected',
  description:
    'table, markdown and HTML also show findings rejected with findings verify --reject (marked); JSON always has them',
  env: 'AFTERBURN_SHOW_REJECTED',
  parse: boolean,
  defaultDescription: 'false: they are hidden and counted',
};
