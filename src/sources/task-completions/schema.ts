import { z } from 'zod';

/**
 * The task-completion event (../shared/docs/sources.md §4). Producers write snake_case or the
 * camelCase spelling of the same fields; both are normalised to the snake_case shape below before
 * validation. Unknown fields are stripped. Optional fields may be absent or null (an export writes
 * null for "not measured"); a present value of the wrong type fails the line.
 */
const Count = z.int().nonnegative();
const Label = z.string().trim().min(1);

/** ISO 8601 (with Z or an offset) or epoch milliseconds, normalised to epoch ms. */
const Timestamp = z.union([
  z.int().nonnegative(),
  z.iso.datetime({ offset: true, local: false }).transform((text) => Date.parse(text)),
]);

/** Gate names are compared case-insensitively ("Lint" and "lint" are one gate). */
const GateList = z.array(Label.transform((gate) => gate.toLowerCase()));

export const TaskCompletionEvent = z.object({
  event_id: Label,
  timestamp: Timestamp,
  instance_id: z.string().nullish(),
  task_type: Label.nullish(),
  complexity: Label.nullish(),
  harness: Label,
  model: Label.nullish(),
  provider: Label.nullish(),
  task_duration_ms: Count.nullish(),
  estimated_input_tokens: Count.nullish(),
  estimated_output_tokens: Count.nullish(),
  actual_input_tokens: Count.nullish(),
  actual_output_tokens: Count.nullish(),
  estimated_cost_usd_micros: Count.nullish(),
  actual_cost_usd_micros: Count.nullish(),
  quality_gate_passed: z.boolean().nullish(),
  quality_gates_run: GateList.nullish(),
  quality_gates_failed: GateList.nullish(),
  context_compactions: Count.nullish(),
  context_rotations: Count.nullish(),
  context_utilization_final: z.number().min(0).max(1).nullish(),
  outcome: Label.transform((outcome) => outcome.toLowerCase()),
  retry_count: Count.nullish(),
  language: Label.nullish(),
  repo_size_category: Label.nullish(),
});
export type TaskCompletionEvent = z.infer<typeof TaskCompletionEvent>;

export const FIELD_NAMES = Object.keys(TaskCompletionEvent.shape) as readonly string[];

export function camelCaseOf(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

const CAMEL_TO_SNAKE: ReadonlyMap<string, string> = new Map(
  FIELD_NAMES.filter((name) => camelCaseOf(name) !== name).map((name) => [camelCaseOf(name), name]),
);

/**
 * The record with every camelCase field name replaced by its snake_case name. When a record
 * carries both spellings of one field, the snake_case value wins (it is the documented one).
 * Only the known field names are copied, so no data-derived key is ever assigned.
 */
export function normaliseFieldNames(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const normalised: Record<string, unknown> = Object.create(null);
  for (const name of FIELD_NAMES) {
    if (Object.hasOwn(record, name)) normalised[name] = record[name];
  }
  for (const [camel, snake] of CAMEL_TO_SNAKE) {
    if (!Object.hasOwn(normalised, snake) && Object.hasOwn(record, camel)) normalised[snake] = record[camel];
  }
  return normalised;
}
