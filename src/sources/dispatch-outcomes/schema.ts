import { z } from 'zod';

/**
 * Record shapes of the dispatch-outcomes log (../shared/docs/sources.md §1). Unknown fields are
 * stripped (producers add fields over time); a present field of the wrong type fails the line.
 */
const Count = z.int().nonnegative();
/** The last instant a JavaScript Date can hold (year 275760); later "timestamps" cannot be dated. */
export const MAX_EPOCH_MS = 8.64e15;
const EpochMs = z.int().nonnegative().max(MAX_EPOCH_MS);
const Key = z.string().min(1);

/** Any JSON object. Kept as parsed: JSON.parse makes `__proto__` an own key, never a prototype. */
export const JsonObject = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'expected an object or null' },
);

export const DispatchRecord = z.object({
  kind: z.literal('dispatch'),
  ts_dispatched: EpochMs,
  agent: Key,
  attempt_id: Key,
  prompt_fingerprint: Key,
  prompt_chars: Count.optional(),
  prompt_files_named: Count.optional(),
  prompt_input_token_estimate: Count.optional(),
  has_design_verb: z.boolean().optional(),
  has_acceptance_verb: z.boolean().optional(),
  atomic_hook_outcome: z.enum(['allow', 'deny']),
  block_reasons: z.array(z.string()).optional(),
  rationalization_match: z.string().nullable().optional(),
});
export type DispatchRecord = z.infer<typeof DispatchRecord>;

export const FinalizeRecord = z.object({
  kind: z.literal('finalize'),
  ts_completed: EpochMs,
  agent: Key,
  agent_id: z.string().optional(),
  prompt_fingerprint: Key,
  attempt_id: Key.optional(),
  status: z.string(),
  ms_elapsed: Count.optional(),
  total_tokens: Count.optional(),
  input_tokens: Count.optional(),
  output_tokens: Count.optional(),
  cache_read_tokens: Count.optional(),
  cache_creation_tokens: Count.optional(),
  acceptance_passed: z.boolean().nullable().optional(),
  suggested_registry_edit: JsonObject.nullable().optional(),
  error: z.string().nullable().optional(),
});
export type FinalizeRecord = z.infer<typeof FinalizeRecord>;

export const RECORD_SCHEMAS = { dispatch: DispatchRecord, finalize: FinalizeRecord } as const;
export type RecordKind = keyof typeof RECORD_SCHEMAS;
