import { once } from 'node:events';
import path from 'node:path';
import type { Command } from 'commander';
import { AfterburnError } from '../common/errors.js';
import { cleanNumber, toJson } from '../common/json.js';
import { readForExport } from '../core/export.js';
import { type AtomicWriteHandle, replaceFileAtomic } from '../findings/atomic-write.js';
import { resolveInputs } from '../input/inputs.js';
import { DEFAULT_PARALLEL_MIN_BYTES } from '../parallel/parallel-read.js';
import {
  csvField,
  EXPORT_COLUMNS,
  type ExportRow,
  exportColumnNames,
  joinedAttemptRows,
} from '../sources/dispatch-outcomes/export.js';
import { DISPATCH_OUTCOMES } from '../sources/dispatch-outcomes/index.js';
import { findSource } from '../sources/registry.js';
import { optionalThreads, PARALLEL_MIN_BYTES, SOURCE, THREADS } from './discover.js';
import type { CliIo } from './io.js';
import { boolean, choice, envOption, negatedOption, nonEmpty, type OptionSpec, resolve } from './options.js';
import { formatForOutFile, outWriteError } from './out-file.js';
import { waitingNotice } from './progress.js';
import { SkipReporter } from './skip-reporter.js';
import { inputPaths } from './source-inputs.js';

const EXPORT_FORMATS = ['ndjson', 'csv', 'parquet'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const EXPORT_FORMAT: OptionSpec<ExportFormat> = {
  flags: '--format <format>',
  description: `output format: ${EXPORT_FORMATS.join('|')}`,
  env: 'AFTERBURN_EXPORT_FORMAT',
  parse: choice(EXPORT_FORMATS),
  defaultDescription: 'from the --out extension, else ndjson',
};
const OUT: OptionSpec<string> = {
  flags: '--out <file>',
  description: 'write to this file (replaced atomically) instead of stdout; required for parquet',
  // Not AFTERBURN_OUT: that one names the report's file, and one variable must not set both.
  env: 'AFTERBURN_EXPORT_OUT',
  parse: nonEmpty,
};
const FORMAT_BY_EXTENSION: Record<string, ExportFormat> = {
  '.parquet': 'parquet',
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
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
  out?: string;
  otel?: boolean;
  parallelMinBytes?: string;
  threads?: string;
}

export function registerExport(program: Command, io: CliIo): void {
  program
    .command('export')
    .description(
      'write one joined attempt per row (ndjson, csv or parquet) for DuckDB, warehouses or OTel pipelines',
    )
    .addOption(envOption(SOURCE))
    .option(
      '--path <file|dir|->',
      'log file, directory of logs, or - for stdin; repeatable (env: AFTERBURN_DISPATCH_OUTCOMES_PATH)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .addOption(envOption(EXPORT_FORMAT))
    .addOption(envOption(OUT))
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
      const out = resolve<string | undefined>(OUT, flags.out, io.env, undefined);
      const format =
        resolve<ExportFormat | undefined>(EXPORT_FORMAT, flags.format, io.env, undefined) ??
        formatForOutFile(out, FORMAT_BY_EXTENSION) ??
        'ndjson';
      // Checked before reading: a long read must not end in a usage error.
      if (format === 'parquet' && out === undefined) {
        throw new AfterburnError('usage', 'export --format parquet needs --out <file>', {
          hint: 'Parquet is binary and its footer comes last; e.g. --out attempts.parquet',
        });
      }
      // Only what the user names: export never guesses where logs live.
      const paths = inputPaths(source, flags.path, io, { guess: false });
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
      const rows = joinedAttemptRows(segment);
      const names = exportColumnNames(otel);
      if (out === undefined) {
        await writeTextRows(stdoutSink(io), rows, format as TextFormat, names);
        return;
      }
      let written = 0;
      try {
        await replaceFileAtomic(path.resolve(io.cwd, out), async (handle) => {
          written =
            format === 'parquet'
              ? await (await import('../core/export-parquet.js')).writeParquetRows(handle, rows, names)
              : await writeTextRows(fileSink(handle), rows, format, names);
        });
      } catch (error) {
        throw outWriteError(out, error);
      }
      io.stderr.write(`afterburn: wrote ${written} ${format} rows to ${out}\n`);
    });
}

type TextFormat = Exclude<ExportFormat, 'parquet'>;
type Sink = (text: string) => Promise<void>;

function stdoutSink(io: CliIo): Sink {
  return async (text) => {
    if (!io.stdout.write(text)) await once(io.stdout, 'drain');
  };
}

function fileSink(handle: AtomicWriteHandle): Sink {
  return (text) => handle.writeFile(text);
}

/** Writes the rows as NDJSON or CSV in batches; returns the number of rows written. */
async function writeTextRows(
  sink: Sink,
  rows: Iterable<ExportRow>,
  format: TextFormat,
  names: readonly string[],
): Promise<number> {
  const render =
    format === 'csv'
      ? (row: ExportRow) => EXPORT_COLUMNS.map((column) => csvField(clean(row[column]))).join(',')
      : (row: ExportRow) =>
          toJson(Object.fromEntries(EXPORT_COLUMNS.map((column, i) => [names[i] as string, row[column]])));
  let batch: string[] = format === 'csv' ? [names.map(csvField).join(',')] : [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const text = `${batch.join('\n')}\n`;
    batch = [];
    await sink(text);
  };
  for (const row of rows) {
    batch.push(render(row));
    written += 1;
    if (batch.length >= ROWS_PER_WRITE) await flush();
  }
  await flush();
  return written;
}

function clean(value: string | number | boolean | null): string | number | boolean | null {
  return typeof value === 'number' ? cleanNumber(value) : value;
}
