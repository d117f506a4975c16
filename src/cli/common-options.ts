import { choice, nonEmpty, type OptionSpec } from './options.js';

export const DEFAULT_STORE = '.afterburn';

export const STORE: OptionSpec<string> = {
  flags: '--store <dir>',
  description: 'findings store directory',
  env: 'AFTERBURN_STORE',
  parse: nonEmpty,
  defaultDescription: DEFAULT_STORE,
};

export const OUTPUT_FORMATS = ['table', 'json', 'markdown', 'html'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const FORMAT: OptionSpec<OutputFormat> = {
  flags: '--format <format>',
  description: `output format: ${OUTPUT_FORMATS.join('|')}`,
  env: 'AFTERBURN_FORMAT',
  parse: choice(OUTPUT_FORMATS),
  defaultDescription: 'table on a terminal, json otherwise',
};
