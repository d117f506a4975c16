import { once } from 'node:events';
import type { Command } from 'commander';
import { AfterburnError } from '../common/errors.js';
import { cleanNumber, toJson } from '../common/json.js';
import { readForExport } from '../core/export.js';
import { resolveInputs } from '../input/inputs.js';
import { DEFAULT_PARALLEL_MIN_BYTES } from '../parallel/parallel-read.js';
import {
  csvField,
  EXPORT_COLUMNS,
  type ExportRow,
  joinedAttemptRows,
  OTEL_NAMES,
} from '../sources/dispatch-outcomes/export.js';
import { DISPATCH_OUTCOMES } from '../sources/dispatch-outcomes/index.js';
import { findSource } from '../sources/registry.js';
import { optionalThreads, PARALLEL_MIN_BYTES, SOURCE, THREADS } from './discover.js';
import type { CliIo } from './io.js';
import { boolean, choice, envOption, negatedOption, type OptionSpec, resolve } from './options.js';
import { waitingNotice } from './progress.js';
import { SkipReporter } from './skip-reporter.js';
import { inputPaths } from './source-inputs.js';

const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const EXPORT_FORMAT: OptionSpec<ExportFormat> = {
  flags: '--format <format>',
  description: `output format: ${EXPORT_FORMATS.join('|')}`,
  env: 'AFTERBURN_EXPORT_FORMAT',
  parse: choice(EXPORT_FORMATS),
  defaultDescription: 'ndjson',
};
const OTEL: OptionSpec<boolean> = {
  flags: '--otel',
  description: 'name the usage and agent columns after the OpenTelemetry GenAI conventions',
  env: 'AFTERBURN_OTEL',
  parse: boolean,
  defaultDescription: 'false',
};
/** Rows per write: few enough syscalls, small enough that memory does not hold the whole output. */
const ROWS_PER_WRITE = 2000;

interface ExportFlags {
  source?: string;
  path?: string[];
  format?: string;
  otel?: boolean;
  parallelMinBytes?: string;
  threads?: string;
}

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description('write one joined attempt per row (ndjson or csv) for DuckDB, warehouses or OTel pipelines')
    .addOption(envOption(SOURCE))
    .option(
      '--path <file|dir|->',
      'log file, directory of logs, or - for stdin; repeatable (env: AFTERBURN_DISPATCH_OUTCOMES_PATH)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(envOption(EXPORT_FORMAT))
    .addOption(envOption(OTEL))
    .addOption(negatedOption(OTEL))
    .addOption(envOption(PARALLEL_MIN_BYTES))
    .addOption(envOption(THREADS))
    .action(async (flags: ExportFlags) => {
      const source = findSource(resolve(SOURCE, flags.source, io.env, DISPATCH_OUTCOMES));
      if (source.name !== DISPATCH_OUTCOMES) {
        throw new AfterburnError('bad_value', `export does not support source ${source.name} yet`, {
          hint: `use --source ${DISPATCH_OUTCOMES}`,
        });
      }
      // Only what the user names: export never guesses where logs live.
      const paths = inputPaths(source, flags.path, io, { guess: false });
      const format = resolve(EXPORT_FORMAT, flags.format, io.env, 'ndjson');
      const otel = resolve(OTEL, flags.otel, io.env, false);
      const parallelMinBytes = resolve(
        PARALLEL_MIN_BYTES,
        flags.parallelMinBytes,
        io.env,
        DEFAULT_PARALLEL_MIN_BYTES,
      );
      const skips = new SkipReporter(io.stderr);
      const segment = await readForExport(await resolveInputs(paths, io.cwd), {
        parallelMinBytes,
        ...optionalThreads(flags.threads, io.env),
        diagnostics: skips,
        stdin: io.stdin,
        ...waitingNotice(io),
      });
      skips.finish();
      await writeRows(io, joinedAttemptRows(segment), format, otel);
    });
}

async function writeRows(
  io: CliIo,
  rows: Iterable<ExportRow>,
  format: ExportFormat,
  otel: boolean,
): Promise<void> {
  const names = EXPORT_COLUMNS.map((column) => (otel ? (OTEL_NAMES[column] ?? column) : column));
  const render =
    format === 'csv'
      ? (row: ExportRow) => EXPORT_COLUMNS.map((column) => csvField(clean(row[column]))).join(',')
      : (row: ExportRow) =>
          toJson(Object.fromEntries(EXPORT_COLUMNS.map((column, i) => [names[i] as string, row[column]])));
  let batch: string[] = format === 'csv' ? [names.map(csvField).join(',')] : [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const ok = io.stdout.write(`${batch.join('\n')}\n`);
    batch = [];
    if (!ok) await once(io.stdout, 'drain');
  };
  for (const row of rows) {
    batch.push(render(row));
    if (batch.length >= ROWS_PER_WRITE) await flush();
  }
  await flush();
}

function clean(value: string | number | boolean | null): string | number | boolean | null {
  return typeof value === 'number' ? cleanNumber(value) : value;
}
