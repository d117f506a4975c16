import path from 'node:path';
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
  return path.resolve(io.cwd, resolve(STORE, flag, io.env, DEFAULT_STORE));
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
