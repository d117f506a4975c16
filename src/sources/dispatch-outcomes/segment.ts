import { z } from 'zod';
import type { DispatchRecord, FinalizeRecord } from './schema.js';

/**
 * The compact form of what one input contributed: its line counts and, per record, only the fields
 * the join and the analyzers read, as flat tuples. It is what the join collects during a run and
 * what an incremental run keeps in the store, so a restored input is exactly the input re-read.
 */
const Count = z.int().nonnegative();
const NullableCount = Count.nullable();

export const DispatchTuple = z.tuple([
  z.string(), // attempt_id
  z.string(), // prompt_fingerprint
  z.string(), // agent
  Count, // ts_dispatched
  z.boolean(), // allowed
  z.array(z.string()), // block_reasons
  z.string().nullable(), // rationalization_match
]);
export type DispatchTuple = z.infer<typeof DispatchTuple>;

export const FinalizeTuple = z.tuple([
  z.string(), // prompt_fingerprint
  z.string().nullable(), // attempt_id
  z.string(), // agent
  Count, // ts_completed
  z.string(), // status
  NullableCount, // input_tokens
  NullableCount, // cache_read_tokens
  NullableCount, // cache_creation_tokens
  z.boolean().nullable(), // acceptance_passed
  NullableCount, // ms_elapsed
  z
    .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
    .nullable(), // suggested_registry_edit
  NullableCount, // output_tokens (for export)
]);
export type FinalizeTuple = z.infer<typeof FinalizeTuple>;

export const Segment = z.object({
  lines: Count,
  blank: Count,
  skipped: Count,
  dispatches: z.array(DispatchTuple),
  finalizes: z.array(FinalizeTuple),
});
export type Segment = z.infer<typeof Segment>;

export function emptySegment(): Segment {
  return { lines: 0, blank: 0, skipped: 0, dispatches: [], finalizes: [] };
}

/** Most dispatches are allowed with no reasons: one shared empty list instead of one per record. */
const NO_REASONS: string[] = [];

export function dispatchTuple(record: DispatchRecord): DispatchTuple {
  return [
    record.attempt_id,
    record.prompt_fingerprint,
    record.agent,
    record.ts_dispatched,
    record.atomic_hook_outcome === 'allow',
    record.block_reasons === undefined || record.block_reasons.length === 0
      ? NO_REASONS
      : record.block_reasons,
    record.rationalization_match ?? null,
  ];
}

export function finalizeTuple(record: FinalizeRecord): FinalizeTuple {
  return [
    record.prompt_fingerprint,
    record.attempt_id ?? null,
    record.agent,
    record.ts_completed,
    record.status,
    record.input_tokens ?? null,
    record.cache_read_tokens ?? null,
    record.cache_creation_tokens ?? null,
    record.acceptance_passed ?? null,
    record.ms_elapsed ?? null,
    record.suggested_registry_edit ?? null,
    record.output_tokens ?? null,
  ];
}
