import { describe, expect, it } from 'vitest';
import { ContextPressureData } from '../../../../src/findings/task-completions-data.js';
import { CONTEXT_PRESSURE } from '../../../../src/sources/task-completions/analyzers/context-pressure.js';
import { analyzeEvents, taskEvent } from '../../../helpers/task-completions.js';

describe('context_pressure', () => {
  it('gives utilisation p50/p95 and the share above 90 %, compactions and retries per task', () => {
    const fields = [
      { context_utilization_final: 0.5, retry_count: 0, context_compactions: 0 },
      { context_utilization_final: 0.95, retry_count: 1, context_compactions: 2 },
      { context_utilization_final: 0.91, retry_count: 2, context_compactions: 1 },
      { context_utilization_final: 0.9, retry_count: 5, context_compactions: 1 },
      { context_utilization_final: null, retry_count: null, context_compactions: null },
    ];
    const findings = analyzeEvents(fields.map((f, i) => taskEvent({ event_id: `e${i}`, ...f })));
    const global = findings.find((f) => f.type === CONTEXT_PRESSURE && f.data.key === null);
    const data = ContextPressureData.parse(global?.data);
    expect(data.n).toBe(5);
    // Sorted 0.5, 0.9, 0.91, 0.95: type-7 p50 at h = 1.5, p95 at h = 2.85. Exactly 0.9 is not above 0.9.
    expect(data.utilization).toMatchObject({ n: 4, above_threshold: 2, above_threshold_share: 0.5 });
    expect(data.utilization.p50).toBeCloseTo(0.905, 12);
    expect(data.utilization.p95).toBeCloseTo(0.944, 12);
    // Retries 0, 1, 2, 5: mean 2, p95 2 + 0.85 × 3. The event without retry_count is not a zero.
    expect(data.retries).toMatchObject({ n: 4, mean: 2 });
    expect(data.retries.p95).toBeCloseTo(4.55, 12);
    expect(data.compactions).toMatchObject({ n: 4, mean: 1 });
    expect(global?.description).toContain('50% of tasks ended above 90% context utilisation');
  });

  it('reports per harness and per model, and nothing for a slice with no pressure fields', () => {
    const findings = analyzeEvents([
      taskEvent({ event_id: 'a', harness: 'codex', model: 'gpt-5', context_utilization_final: 0.99 }),
      taskEvent({
        event_id: 'b',
        harness: 'opencode',
        model: null,
        context_utilization_final: null,
        retry_count: null,
        context_compactions: null,
        context_rotations: null,
      }),
    ]).filter((f) => f.type === CONTEXT_PRESSURE);
    expect(findings.map((f) => `${f.data.dimension}:${f.data.key}`)).toEqual([
      'global:null',
      'harness:codex',
      'model:gpt-5',
    ]);
    expect(findings[1]?.scope).toEqual({ arm: 'codex', dimension: 'harness' });
  });
});
