import type { AnalysisOptions } from '../../src/analyzers/types.js';
import type { FindingDraft } from '../../src/findings/schema.js';
import type { DispatchDataset } from '../../src/records/records.js';
import { dispatchOutcomesAdapter } from '../../src/sources/dispatch-outcomes/index.js';
import type { SourceResult } from '../../src/sources/types.js';

/** Builders for dispatch-outcomes records, with realistic defaults a test overrides. */
export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;

export function dispatchLine(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'dispatch',
    ts_dispatched: T0,
    agent: 'coder',
    attempt_id: 'a1',
    prompt_fingerprint: 'fp1',
    atomic_hook_outcome: 'allow',
    block_reasons: [],
    rationalization_match: null,
    ...fields,
  });
}

export function finalizeLine(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'finalize',
    ts_completed: T0 + 60_000,
    agent: 'coder',
    agent_id: 'coder-1',
    prompt_fingerprint: 'fp1',
    attempt_id: 'a1',
    status: 'completed',
    input_tokens: 1000,
    output_tokens: 200,
    cache_read_tokens: 500,
    cache_creation_tokens: 0,
    acceptance_passed: true,
    suggested_registry_edit: null,
    ...fields,
  });
}

export interface SkippedLine {
  line: number;
  reason: string;
}

export function runSource(
  lines: readonly string[],
): SourceResult<DispatchDataset> & { skipped: SkippedLine[] } {
  const skipped: SkippedLine[] = [];
  const session = dispatchOutcomesAdapter.open({
    skipped: (location, reason) => skipped.push({ line: location.line, reason }),
  });
  for (const [i, text] of lines.entries()) session.acceptLine(text, { input: 'test.jsonl', line: i + 1 });
  return { ...session.finish(), skipped };
}

export const DEFAULT_OPTIONS: AnalysisOptions = { alpha: 0.05, minSamples: 10, requireAcceptance: false };

export function analyzeLines(
  lines: readonly string[],
  options: Partial<AnalysisOptions> = {},
): { result: SourceResult<DispatchDataset>; findings: FindingDraft[] } {
  const result = runSource(lines);
  const context = {
    source: 'dispatch-outcomes',
    inputs: ['test.jsonl'],
    options: { ...DEFAULT_OPTIONS, ...options },
  };
  return {
    result,
    findings: dispatchOutcomesAdapter.analyzers.flatMap((analyzer) =>
      analyzer.analyze(result.dataset, context),
    ),
  };
}

/** A series of completed tasks (one dispatch + one finalize each) with the given input tokens, one per day. */
export function taskSeries(
  tokens: readonly number[],
  fields: { agent?: string; prefix?: string } = {},
): string[] {
  const agent = fields.agent ?? 'coder';
  const prefix = fields.prefix ?? agent;
  return tokens.flatMap((input, i) => [
    dispatchLine({
      ts_dispatched: T0 + i * DAY,
      agent,
      attempt_id: `${prefix}-a${i}`,
      prompt_fingerprint: `${prefix}-fp${i}`,
    }),
    finalizeLine({
      ts_completed: T0 + i * DAY + 3_600_000,
      agent,
      attempt_id: `${prefix}-a${i}`,
      prompt_fingerprint: `${prefix}-fp${i}`,
      input_tokens: input,
    }),
  ]);
}
