import type { AnalysisOptions } from '../../src/analyzers/types.js';
import type { FindingDraft } from '../../src/findings/schema.js';
import {
  type TaskCompletionDataset,
  taskCompletionsAdapter,
} from '../../src/sources/task-completions/index.js';
import { camelCaseOf } from '../../src/sources/task-completions/schema.js';
import type { SourceResult } from '../../src/sources/types.js';
import { mulberry32 } from '../../src/stats/index.js';
import { DEFAULT_OPTIONS, type SkippedLine } from './records.js';

export const T0 = Date.UTC(2026, 2, 1);
export const HOUR = 3_600_000;

export type EventFields = Record<string, unknown>;

/** One task-completion event in snake_case with realistic defaults a test overrides. */
export function taskEvent(fields: EventFields = {}): EventFields {
  return {
    event_id: 'e1',
    timestamp: new Date(T0).toISOString(),
    instance_id: 'orch-1',
    task_type: 'implementation',
    complexity: 'medium',
    harness: 'claude_code',
    model: 'claude-sonnet',
    provider: 'anthropic',
    task_duration_ms: 120_000,
    estimated_input_tokens: 10_000,
    estimated_output_tokens: 2_000,
    actual_input_tokens: 10_000,
    actual_output_tokens: 2_000,
    estimated_cost_usd_micros: 60_000,
    actual_cost_usd_micros: 60_000,
    quality_gate_passed: true,
    quality_gates_run: ['build', 'lint', 'test', 'typecheck', 'security'],
    quality_gates_failed: [],
    context_compactions: 0,
    context_rotations: 0,
    context_utilization_final: 0.5,
    outcome: 'success',
    retry_count: 0,
    language: 'typescript',
    repo_size_category: 'medium',
    ...fields,
  };
}

/** The same event with every field name in camelCase, as the other producer spelling writes it. */
export function camelCased(event: EventFields): EventFields {
  return Object.fromEntries(Object.entries(event).map(([key, value]) => [camelCaseOf(key), value]));
}

export const GENERATED_HARNESSES = ['claude_code', 'codex'] as const;
const MODEL: Record<string, string> = { claude_code: 'claude-sonnet', codex: 'gpt-5' };
const GATES = ['build', 'lint', 'test', 'typecheck', 'security'] as const;
const OUTCOMES = ['success', 'success', 'success', 'failure', 'partial', 'timeout'] as const;
const LANGUAGES = ['typescript', 'python', 'go'] as const;
const SIZES = ['tiny', 'small', 'medium', 'large', 'huge'] as const;

/**
 * A seeded log whose estimate errors are known by construction, whatever the random actuals:
 * claude_code (even indices) estimates exactly; codex (odd indices) estimates 1.5 × the actual
 * (actuals are even, so the estimate is an integer); every 10th event (i % 10 == 9, a codex one)
 * has no estimates at all. Odd events are camelCase, timestamps alternate ISO and epoch ms, and
 * the actual input tokens of successful claude_code tasks fall over time.
 */
export function generateEvents(seed: number, count: number): EventFields[] {
  const random = mulberry32(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  return Array.from({ length: count }, (_, i) => {
    const harness = GENERATED_HARNESSES[i % 2] as string;
    const factor = harness === 'codex' ? 1.5 : 1;
    const input =
      2 * Math.round(harness === 'codex' ? 6000 + random() * 4000 : 9000 * 0.99 ** i + random() * 400);
    const output = 2 * Math.round(500 + random() * 1500);
    const cost = input * 3 + output * 15;
    const missingEstimate = i % 10 === 9;
    const failed = GATES.filter(() => random() < 0.15);
    const at = T0 + i * HOUR;
    const event = taskEvent({
      event_id: `ev-${seed}-${i}`,
      timestamp: i % 4 < 2 ? new Date(at).toISOString() : at,
      harness,
      model: MODEL[harness],
      task_type: pick(['implementation', 'debugging', 'refactor']),
      estimated_input_tokens: missingEstimate ? null : input * factor,
      estimated_output_tokens: missingEstimate ? undefined : output * factor,
      estimated_cost_usd_micros: missingEstimate ? null : cost * factor,
      actual_input_tokens: input,
      actual_output_tokens: output,
      actual_cost_usd_micros: cost,
      quality_gates_failed: failed,
      quality_gate_passed: failed.length === 0,
      context_compactions: Math.floor(random() * 3),
      context_utilization_final: Math.round(random() * 100) / 100,
      outcome: pick(OUTCOMES),
      retry_count: Math.floor(random() * 3),
      language: pick(LANGUAGES),
      repo_size_category: pick(SIZES),
    });
    if (missingEstimate) delete event.estimated_output_tokens;
    return i % 2 === 1 ? camelCased(event) : event;
  });
}

export function toLines(events: readonly EventFields[]): string[] {
  return events.map((event) => JSON.stringify(event));
}

export function runTaskSource(
  lines: readonly string[],
): SourceResult<TaskCompletionDataset> & { skipped: SkippedLine[] } {
  const skipped: SkippedLine[] = [];
  const session = taskCompletionsAdapter.open({
    skipped: (location, reason) => skipped.push({ line: location.line, reason }),
  });
  for (const [i, text] of lines.entries()) session.acceptLine(text, { input: 'events.jsonl', line: i + 1 });
  return { ...session.finish(), skipped };
}

export const CONTEXT = { source: 'task-completions', inputs: ['events.jsonl'], options: DEFAULT_OPTIONS };

export function analyzeEvents(
  events: readonly EventFields[],
  options: Partial<AnalysisOptions> = {},
): FindingDraft[] {
  const { dataset } = runTaskSource(toLines(events));
  const context = { ...CONTEXT, options: { ...DEFAULT_OPTIONS, ...options } };
  return taskCompletionsAdapter.analyzers.flatMap((analyzer) => analyzer.analyze(dataset, context));
}
