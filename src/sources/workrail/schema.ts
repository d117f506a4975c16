import { z } from 'zod';

/**
 * Record shapes of WorkRail session logs (../shared/docs/sources.md §3). The envelope decides
 * whether a line is a record at all (a bad one is skipped and counted); the metric values inside
 * `data` and the context are read one by one, and a malformed value becomes null, never an error.
 */
const Index = z.int().nonnegative();
const Key = z.string().min(1);

const JsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'expected an object' },
);

export const ManifestRecord = z.object({ kind: Key });

/** Only the path is needed to know which segment is closed; the rest (indices, sha256) is not checked. */
export const SegmentClosed = z.object({
  kind: z.literal('segment_closed'),
  segmentRelPath: Key,
});

export const EventEnvelope = z.object({
  eventId: Key,
  eventIndex: Index,
  sessionId: Key,
  kind: Key,
  data: JsonObject.optional(),
  timestampMs: Index.optional(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const OUTCOMES = ['success', 'partial', 'abandoned', 'error'] as const;
/** What a completed session counts as when it reported no valid outcome. */
export const UNKNOWN_OUTCOME = 'unknown';
export type Outcome = (typeof OUTCOMES)[number] | typeof UNKNOWN_OUTCOME;

const Count = z.int().nonnegative();
const MetricValue = {
  metrics_outcome: z.enum(OUTCOMES),
  metrics_pr_numbers: z.array(z.int().positive()),
  metrics_files_changed: Count,
  metrics_lines_added: Count,
  metrics_lines_removed: Count,
  metrics_git_head_end: Key,
  metrics_harness: Key,
  metrics_active_model: Key,
} as const;
export type MetricKey = keyof typeof MetricValue;
export type MetricValues = { [K in MetricKey]: z.infer<(typeof MetricValue)[K]> | null };
export const METRIC_KEYS = Object.keys(MetricValue) as MetricKey[];

/** A context value as its metric type, or null when it is malformed. */
export function metricValue<K extends MetricKey>(key: K, value: unknown): MetricValues[K] {
  const result = MetricValue[key].safeParse(value);
  return result.success ? (result.data as MetricValues[K]) : null;
}

/** A count field of an event's data, or null when it is missing or malformed. */
export function countField(data: Record<string, unknown> | undefined, field: string): number | null {
  if (data === undefined || !Object.hasOwn(data, field)) return null;
  const result = Count.safeParse(data[field]);
  return result.success ? result.data : null;
}

export function stringField(data: Record<string, unknown> | undefined, field: string): string | null {
  if (data === undefined || !Object.hasOwn(data, field)) return null;
  const value = data[field];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function objectField(
  data: Record<string, unknown> | undefined,
  field: string,
): Record<string, unknown> | undefined {
  if (data === undefined || !Object.hasOwn(data, field)) return undefined;
  const result = JsonObject.safeParse(data[field]);
  return result.success ? result.data : undefined;
}

/** The PR number of a pull-request URL (`…/pull/42`, `…/merge_requests/42`), else null. */
export function prNumberOf(url: string | null): number | null {
  const match = url === null ? null : /\/(?:pull|pulls|merge_requests)\/(\d+)(?:[/?#]|$)/.exec(url);
  const value = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}
