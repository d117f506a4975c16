import { describe, expect, it } from 'vitest';
import { efficiencyTrend } from '../../../../src/analyzers/efficiency-trend.js';
import { OutcomeRatesData } from '../../../../src/findings/data.js';
import { taskCompletionsAdapter } from '../../../../src/sources/task-completions/index.js';
import { ofType } from '../../../helpers/findings.js';
import {
  analyzeEvents,
  CONTEXT,
  generateEvents,
  HOUR,
  runTaskSource,
  T0,
  taskEvent,
  toLines,
} from '../../../helpers/task-completions.js';

describe('task-completions: outcome rates', () => {
  it('gives outcome shares with n by harness, model, task type and repo size', () => {
    const events = generateEvents(21, 90);
    const findings = analyzeEvents(events).filter((f) => f.type === 'outcome_rates');
    const dimensions = new Set(findings.map((f) => f.data.dimension));
    expect(dimensions).toEqual(new Set(['global', 'harness', 'model', 'task_type', 'repo_size']));
    const field = (e: Record<string, unknown>, snake: string, camel: string) => e[snake] ?? e[camel];
    for (const finding of findings) {
      const data = OutcomeRatesData.parse(finding.data);
      const inSlice = events.filter((e) => {
        if (data.key === null) return true;
        const value =
          data.dimension === 'task_type'
            ? field(e, 'task_type', 'taskType')
            : data.dimension === 'repo_size'
              ? field(e, 'repo_size_category', 'repoSizeCategory')
              : e[data.dimension];
        return value === data.key;
      });
      expect(data.n).toBe(inSlice.length);
      for (const outcome of ['success', 'failure', 'partial', 'timeout']) {
        expect(data.counts[outcome]).toBe(inSlice.filter((e) => e.outcome === outcome).length);
      }
    }
  });
});

describe('task-completions: efficiency trend', () => {
  it('is the shared analyzer over successful tasks, per harness and global', () => {
    const { dataset } = runTaskSource(toLines(generateEvents(4, 80)));
    const findings = taskCompletionsAdapter.analyzers
      .filter((analyzer) => analyzer.meta.id === efficiencyTrend.meta.id)
      .flatMap((analyzer) => analyzer.analyze(dataset, CONTEXT));
    expect(findings).toEqual(efficiencyTrend.analyze(dataset, CONTEXT));
    const successes = dataset.events.filter((e) => e.outcome === 'success');
    expect(ofType(findings, 'efficiency_trend').map((f) => [f.scope.arm, f.data.n])).toEqual([
      [null, successes.length],
      ['claude_code', successes.filter((e) => e.harness === 'claude_code').length],
      ['codex', successes.filter((e) => e.harness === 'codex').length],
    ]);
    // The seeded log makes claude_code's successful tasks cheaper over time.
    expect(findings[1]?.verdict).toBe('pass');
  });

  it('leaves out failures, counts successes without actual input tokens, and honours --require-acceptance', () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      taskEvent({
        event_id: `e${i}`,
        timestamp: T0 + i * HOUR,
        actual_input_tokens: i === 11 ? null : 20_000 - i * 1000,
        outcome: i === 10 ? 'failure' : 'success',
        quality_gate_passed: i % 3 !== 0,
      }),
    );
    const all = analyzeEvents(events).find((f) => f.type === 'efficiency_trend' && f.scope.arm === null);
    expect(all?.data).toMatchObject({ n: 10, excluded_missing_input_tokens: 1 });
    expect(all?.verdict).toBe('pass');
    const gated = analyzeEvents(events, { requireAcceptance: true }).find(
      (f) => f.type === 'efficiency_trend' && f.scope.arm === null,
    );
    // i = 0, 3, 6, 9 failed a gate; 10 failed; 11 has no tokens (and passed its gates).
    expect(gated?.data).toMatchObject({ n: 6, excluded_missing_input_tokens: 1 });
  });
});
