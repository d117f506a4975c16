import { cacheReadRatio } from '../../analyzers/efficiency-trend.js';
import { compareText } from '../../common/compare.js';
import { argsortByKey } from '../../stats/argsort.js';
import { joinSegment } from './join.js';
import type { Segment } from './segment.js';

/**
 * One joined attempt per row, for engines bigger than one machine (DuckDB, a warehouse, an OTel
 * pipeline): the dispatch's and the finalize's fields plus derived ones (attempt number, cache-read
 * ratio). Rows are ordered by completion time, then attempt id.
 */
export const EXPORT_COLUMNS = [
  'attempt_id',
  'prompt_fingerprint',
  'agent',
  'attempt_number',
  'ts_dispatched',
  'ts_completed',
  'status',
  'ms_elapsed',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'acceptance_passed',
  'cache_read_ratio',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, string | number | boolean | null>;

/** What a column holds, for formats that type their columns (Parquet). */
export type ExportColumnType = 'string' | 'integer' | 'number' | 'boolean';
export interface ExportColumnSpec {
  readonly type: ExportColumnType;
  /** The row may hold null: the log's field is optional, or the value cannot be derived. */
  readonly nullable: boolean;
}

/**
 * The type of each column's values as `joinedAttemptRows` yields them: times, counts and token
 * numbers are whole numbers (the schema admits only those), the cache-read ratio is a fraction.
 */
export const EXPORT_COLUMN_SPECS: Record<ExportColumn, ExportColumnSpec> = {
  attempt_id: { type: 'string', nullable: false },
  prompt_fingerprint: { type: 'string', nullable: false },
  agent: { type: 'string', nullable: false },
  attempt_number: { type: 'integer', nullable: false },
  ts_dispatched: { type: 'integer', nullable: false },
  ts_completed: { type: 'integer', nullable: false },
  status: { type: 'string', nullable: false },
  ms_elapsed: { type: 'integer', nullable: true },
  input_tokens: { type: 'integer', nullable: true },
  output_tokens: { type: 'integer', nullable: true },
  cache_read_tokens: { type: 'integer', nullable: true },
  cache_creation_tokens: { type: 'integer', nullable: true },
  acceptance_passed: { type: 'boolean', nullable: true },
  cache_read_ratio: { type: 'number', nullable: true },
};

/** Column names after the OpenTelemetry GenAI semantic conventions (--otel). */
export const OTEL_NAMES: Partial<Record<ExportColumn, string>> = {
  agent: 'gen_ai.agent.name',
  input_tokens: 'gen_ai.usage.input_tokens',
  output_tokens: 'gen_ai.usage.output_tokens',
  cache_read_tokens: 'gen_ai.usage.cache_read.input_tokens',
  cache_creation_tokens: 'gen_ai.usage.cache_creation.input_tokens',
};

/** The column names a user sees: OpenTelemetry's for the usage and agent columns with `otel`. */
export function exportColumnNames(otel: boolean): string[] {
  return EXPORT_COLUMNS.map((column) => (otel ? (OTEL_NAMES[column] ?? column) : column));
}

const known = (value: number): number | null => (Number.isNaN(value) ? null : value);

/**
 * The rows of a segment collected with `keepKeys` (the attempt ids and fingerprints as written),
 * one at a time in row order: only the order is sorted, so a large export never holds its rows.
 */
export function* joinedAttemptRows(segment: Segment): Generator<ExportRow> {
  const keys = segment.keys;
  if (keys === undefined) throw new Error('export needs a segment collected with keepKeys');
  const { tasks, taskRows } = joinSegment(segment);
  const d = segment.dispatches;
  const f = segment.finalizes;
  const attemptIdOf = (task: number): string => keys.attemptIds[taskRows.dispatch[task] as number] as string;
  // Attempt ids are unique among joined attempts, so the order is total.
  const order = argsortByKey(tasks.completedAt.subarray(0, tasks.length), (a, b) =>
    compareText(attemptIdOf(a), attemptIdOf(b)),
  );
  for (const i of order) {
    const dispatchRow = taskRows.dispatch[i] as number;
    const finalizeRow = taskRows.finalize[i] as number;
    const acceptance = tasks.acceptancePassed[i] as number;
    const usage = {
      inputTokens: known(tasks.inputTokens[i] as number),
      cacheReadTokens: known(tasks.cacheReadTokens[i] as number),
      cacheCreationTokens: known(tasks.cacheCreationTokens[i] as number),
    };
    yield {
      attempt_id: keys.attemptIds[dispatchRow] as string,
      prompt_fingerprint: keys.fingerprints[dispatchRow] as string,
      agent: tasks.arms[tasks.arm[i] as number] as string,
      attempt_number: tasks.attemptNumber[i] as number,
      ts_dispatched: d.at[dispatchRow] as number,
      ts_completed: tasks.completedAt[i] as number,
      status: tasks.statuses[tasks.status[i] as number] as string,
      ms_elapsed: known(tasks.msElapsed[i] as number),
      input_tokens: usage.inputTokens,
      output_tokens: known(f.outputTokens[finalizeRow] as number),
      cache_read_tokens: usage.cacheReadTokens,
      cache_creation_tokens: usage.cacheCreationTokens,
      acceptance_passed: acceptance === -1 ? null : acceptance === 1,
      cache_read_ratio: cacheReadRatio(usage),
    };
  }
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; null is empty. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
