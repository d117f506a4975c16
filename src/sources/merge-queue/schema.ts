import { z } from 'zod';

/**
 * Shapes of the merge-queue export (../shared/docs/sources.md §6): one row per work item that
 * reached `phase = "merged"`, as JSONL or CSV, or an outbox event whose `payload.target` is
 * "merged".
 */
const Key = z.string().min(1);
const Digits = z.string().regex(/^\d+$/, 'expected a whole number').transform(Number);
const Attempts = z.int().positive();
const EpochMs = z.int().nonnegative();
/** ISO 8601 with a zone, read as epoch milliseconds. */
const IsoTime = z.iso.datetime({ offset: true }).transform((text) => Date.parse(text));
const Text = z.string().nullable().optional();

const rowShape = <A extends z.ZodType<number>, T extends z.ZodType<number>>(attempts: A, time: T) =>
  z.object({
    work_item_id: Key,
    project: Text,
    story_id: Text,
    attempts,
    last_verdict: Text,
    merged_at: time,
    phase: Text,
  });

/** A JSON row: counts and epoch times are numbers, as in every JSON source. */
export const MergeRow = rowShape(Attempts, z.union([EpochMs, IsoTime]));
export type MergeRow = z.infer<typeof MergeRow>;

/** A CSV row: every cell is text, so numbers come as digits. */
export const CsvMergeRow = rowShape(Digits.pipe(Attempts), z.union([Digits.pipe(EpochMs), IsoTime]));

export const OutboxEvent = z.object({
  kind: z.string(),
  work_item_id: Key,
  payload: z.looseObject({ target: z.string().optional() }),
  created_at: z.union([EpochMs, IsoTime]),
});
export type OutboxEvent = z.infer<typeof OutboxEvent>;
