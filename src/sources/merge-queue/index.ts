import { parse as parseCsv } from 'csv-parse/sync';
import { describeIssue } from '../../common/zod-issue.js';
import type { MergeRecord } from '../../records/records.js';
import { LineTally } from '../counts.js';
import { parseJsonObject } from '../json-line.js';
import {
  defineSource,
  type LineLocation,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { mergeQueueHealth } from './merge-queue-health.js';
import { CsvMergeRow, MergeRow, OutboxEvent } from './schema.js';

export const MERGE_QUEUE = 'merge-queue';

export interface MergeQueueDataset {
  readonly merges: readonly MergeRecord[];
}

const blankToNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value.trim() === '' ? null : value.trim();

/**
 * One decision per line: a JSON row, an outbox event, a CSV header, a CSV row, or a skip. CSV
 * rows use the header of their own input file; a CSV cell may not hold a line break.
 */
function open(diagnostics: SourceDiagnostics): SourceSession<MergeQueueDataset> {
  const headers = new Map<string, string[]>();
  // Keyed by work item: a row and an outbox event (or two exports) may report one merge twice.
  const merges = new Map<string, MergeRecord>();
  const tally = new LineTally(diagnostics);
  const skip = tally.skip;
  let merged = 0;
  let ignored = 0;
  let header = 0;
  let duplicates = 0;

  const accept = (row: MergeRow): void => {
    if (row.phase != null && row.phase.trim() !== '' && row.phase.trim() !== 'merged') {
      ignored += 1;
      return;
    }
    merged += 1;
    const record: MergeRecord = {
      workItemId: row.work_item_id,
      project: blankToNull(row.project),
      storyId: blankToNull(row.story_id),
      attempts: row.attempts,
      lastVerdict: blankToNull(row.last_verdict),
      mergedAt: row.merged_at,
    };
    const previous = merges.get(record.workItemId);
    if (previous === undefined) {
      merges.set(record.workItemId, record);
      return;
    }
    duplicates += 1;
    // Keep the earliest report of the merge (then the smaller content), whatever the line order.
    if (compareMerges(record, previous) < 0) merges.set(record.workItemId, record);
  };

  const acceptObject = (value: Record<string, unknown>, location: LineLocation) => {
    if ('payload' in value && 'kind' in value) {
      const event = OutboxEvent.safeParse(value);
      if (!event.success) return skip(location, `outbox event ${describeIssue(event.error)}`);
      if (event.data.payload.target !== 'merged') {
        ignored += 1;
        return;
      }
      const payload = event.data.payload;
      const row = MergeRow.safeParse({
        ...payload,
        work_item_id: event.data.work_item_id,
        merged_at: payload.merged_at ?? event.data.created_at,
        phase: null,
      });
      if (!row.success) return skip(location, `outbox payload ${describeIssue(row.error)}`);
      return accept(row.data);
    }
    const row = MergeRow.safeParse(value);
    if (!row.success) return skip(location, `row ${describeIssue(row.error)}`);
    accept(row.data);
  };

  const acceptCsv = (text: string, location: LineLocation) => {
    let cells: string[];
    try {
      cells = (parseCsv(text, { relax_column_count: true, trim: true }) as string[][])[0] ?? [];
    } catch (error) {
      return skip(location, `not valid CSV (${(error as { code?: string }).code ?? 'parse error'})`);
    }
    const columns = headers.get(location.input);
    if (columns === undefined) {
      if (!cells.includes('work_item_id')) {
        return skip(location, 'CSV row before a header naming work_item_id');
      }
      headers.set(location.input, cells);
      header += 1;
      return;
    }
    const row: Record<string, unknown> = Object.create(null);
    columns.forEach((column, i) => {
      const cell = cells[i];
      if (cell !== undefined && cell !== '') row[column] = cell;
    });
    const parsed = CsvMergeRow.safeParse(row);
    if (!parsed.success) return skip(location, `CSV row ${describeIssue(parsed.error)}`);
    accept(parsed.data);
  };

  return {
    acceptLine(text, location) {
      if (!tally.hasContent(text)) return;
      const trimmed = text.trim();
      if (!trimmed.startsWith('{')) return acceptCsv(trimmed, location);
      const parsed = parseJsonObject(trimmed);
      if ('problem' in parsed) return skip(location, parsed.problem);
      acceptObject(parsed.value, location);
    },
    rejectLine(location, reason) {
      tally.reject(location, reason);
    },
    finish() {
      return {
        counts: tally.counts(duplicates, { merged, ignored, header }),
        dataset: { merges: [...merges.values()] },
      };
    },
  };
}

function compareMerges(a: MergeRecord, b: MergeRecord): number {
  const key = (m: MergeRecord) => JSON.stringify([m.project, m.storyId, m.attempts, m.lastVerdict]);
  return a.mergedAt - b.mergedAt || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

export const mergeQueueAdapter: SourceAdapter<MergeQueueDataset> = {
  name: MERGE_QUEUE,
  description: 'work items that reached merge (JSONL or CSV rows, or outbox events with target "merged")',
  pathEnvVar: pathEnvVarFor(MERGE_QUEUE),
  defaultPaths: () => [],
  logFiles: {
    recursive: false,
    accepts: (name) => /\.(jsonl|csv)(\.\d+)?(\.gz)?$/.test(name),
    description: 'a directory is read for *.jsonl and *.csv files (rotated .N and .gz too)',
  },
  analyzers: [mergeQueueHealth],
  open,
};

export const mergeQueue = defineSource(mergeQueueAdapter);
