import { cacheReadRatio } from '../../analyzers/efficiency-trend.js';
import { joinSegments } from './index.js';
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

/** Column names after the OpenTelemetry GenAI semantic conventions (--otel). */
export const OTEL_NAMES: Partial<Record<ExportColumn, string>> = {
  agent: 'gen_ai.agent.name',
  input_tokens: 'gen_ai.usage.input_tokens',
  output_tokens: 'gen_ai.usage.output_tokens',
  cache_read_tokens: 'gen_ai.usage.cache_read.input_tokens',
  cache_creation_tokens: 'gen_ai.usage.cache_creation.input_tokens',
};

export function joinedAttemptRows(segments: readonly Segment[]): ExportRow[] {
  const { joined } = joinSegments(segments, true);
  const rows = joined.tasks.map((task, index): ExportRow => {
    const attempt = joined.taskAttempts[index];
    if (attempt === undefined) throw new Error('join lost the attempt of a task');
    return {
      attempt_id: attempt.attemptId,
      prompt_fingerprint: task.taskKey,
      agent: task.arm,
      attempt_number: task.attemptNumber,
      ts_dispatched: attempt.dispatchedAt,
      ts_completed: task.completedAt,
      status: task.status,
      ms_elapsed: task.msElapsed,
      input_tokens: task.inputTokens,
      output_tokens: attempt.outputTokens,
      cache_read_tokens: task.cacheReadTokens,
      cache_creation_tokens: task.cacheCreationTokens,
      acceptance_passed: task.acceptancePassed,
      cache_read_ratio: cacheReadRatio(task),
    };
  });
  return rows.sort(
    (a, b) =>
      (a.ts_completed as number) - (b.ts_completed as number) ||
      ((a.attempt_id as string) < (b.attempt_id as string) ? -1 : a.attempt_id === b.attempt_id ? 0 : 1),
  );
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; null is empty. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
