import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../../../../src/findings/schema.js';
import { EstimateAccuracyData } from '../../../../src/findings/task-completions-data.js';
import {
  ESTIMATE_ACCURACY,
  MAX_ABS_BIAS_PCT,
  MAX_P90_ABS_ERROR_PCT,
} from '../../../../src/sources/task-completions/analyzers/estimate-accuracy.js';
import { ofType } from '../../../helpers/findings.js';
import {
  analyzeEvents,
  type EventFields,
  generateEvents,
  taskEvent,
} from '../../../helpers/task-completions.js';

function accuracy(findings: FindingDraft[], metric: string, dimension = 'global', key: string | null = null) {
  const found = ofType(findings, ESTIMATE_ACCURACY).find(
    (f) => f.data.metric === metric && f.data.dimension === dimension && f.data.key === key,
  );
  if (found === undefined) throw new Error(`no ${metric} finding for ${dimension}:${key}`);
  return found;
}

/** Events with an actual of 100 input tokens and the given estimates (null = no estimate). */
function withEstimates(estimates: readonly (number | null)[], extra: EventFields = {}): EventFields[] {
  return estimates.map((estimate, i) =>
    taskEvent({ event_id: `e${i}`, estimated_input_tokens: estimate, actual_input_tokens: 100, ...extra }),
  );
}

describe('estimate_accuracy', () => {
  it('computes bias (median signed % error), MAPE and p90 absolute % error', () => {
    // Signed errors −10, 0, +10, +20, +50: median +10, MAPE 90 / 5 = 18, p90 (type 7) 20 + 0.6 × 30 = 38.
    const findings = analyzeEvents(withEstimates([90, 100, 110, 120, 150]), { minSamples: 5 });
    const data = accuracy(findings, 'input_tokens').data;
    expect(data).toMatchObject({ n: 5, missing: 0, bias_pct: 10, estimated_total: 570, actual_total: 500 });
    expect(data.mape_pct).toBeCloseTo(18, 10);
    expect(data.p90_abs_error_pct).toBeCloseTo(38, 10);
    expect(data.assessment).toBe('not_usable');
  });

  it('counts events without an estimate in missing and never as an estimate of zero', () => {
    const base = analyzeEvents(withEstimates([90, 100, 110]), { minSamples: 1 });
    const withMissing = analyzeEvents(withEstimates([90, 100, 110, null, null]), { minSamples: 1 });
    const a = accuracy(base, 'input_tokens').data;
    const b = accuracy(withMissing, 'input_tokens').data;
    expect(b).toMatchObject({ n: 3, missing: 2, events: 5 });
    for (const field of ['bias_pct', 'mape_pct', 'p90_abs_error_pct', 'estimated_total'] as const) {
      expect(b[field]).toBe(a[field]);
    }
    expect(accuracy(withMissing, 'input_tokens').description).toContain('2 without an estimate');
  });

  it('counts estimates without an actual, and actuals of 0 (no percentage error exists), apart', () => {
    const events = [
      ...withEstimates([100, 110]),
      taskEvent({ event_id: 'no-actual', estimated_input_tokens: 50, actual_input_tokens: null }),
      taskEvent({ event_id: 'zero', estimated_input_tokens: 50, actual_input_tokens: 0 }),
    ];
    const data = accuracy(analyzeEvents(events), 'input_tokens').data;
    expect(data).toMatchObject({ events: 4, n: 2, missing: 0, missing_actual: 1, zero_actual: 1 });
  });

  it('judges usable at the documented limits and not past them', () => {
    const usable = (estimates: number[], minSamples = 10) =>
      accuracy(analyzeEvents(withEstimates(estimates), { minSamples }), 'input_tokens').data.assessment;
    const ten = (value: number) => Array.from({ length: 10 }, () => value);
    expect(MAX_ABS_BIAS_PCT).toBe(10);
    expect(MAX_P90_ABS_ERROR_PCT).toBe(25);
    expect(usable(ten(110))).toBe('usable');
    expect(usable(ten(90))).toBe('usable');
    expect(usable(ten(111))).toBe('not_usable');
    expect(usable(ten(89))).toBe('not_usable');
    // Unbiased in the median, but the tail is too wide: p90 of |errors| is above 25 %.
    expect(usable([100, 100, 100, 100, 100, 100, 100, 100, 130, 70])).toBe('not_usable');
    expect(usable([100, 100, 100, 100, 100, 100, 100, 100, 125, 75])).toBe('usable');
    expect(usable(ten(100), 11)).toBe('insufficient_data');
  });

  it('reports each metric globally, per harness and per model, and cost totals in dollars', () => {
    const events = [
      taskEvent({
        event_id: 'a',
        harness: 'codex',
        model: 'gpt-5',
        estimated_cost_usd_micros: 1_005_000,
        actual_cost_usd_micros: 2_500_000,
      }),
      taskEvent({ event_id: 'b', harness: 'claude_code', model: null }),
    ];
    const findings = ofType(analyzeEvents(events), ESTIMATE_ACCURACY);
    for (const finding of findings) EstimateAccuracyData.parse(finding.data);
    expect(findings.map((f) => `${f.data.metric}/${f.data.dimension}/${f.data.key}`)).toEqual(
      ['input_tokens', 'output_tokens', 'cost_usd_micros'].flatMap((metric) => [
        `${metric}/global/null`,
        `${metric}/harness/claude_code`,
        `${metric}/harness/codex`,
        `${metric}/model/gpt-5`,
      ]),
    );
    const cost = accuracy(findings, 'cost_usd_micros', 'harness', 'codex');
    expect(cost.data.bias_pct).toBeCloseTo(-59.8, 10);
    expect(cost.description).toContain('run 60% low');
    expect(cost.description).toContain('Estimated $1.01 against $2.50 actual');
  });

  it('recovers the errors the seeded log was built with: claude_code exact, codex 50 % high', () => {
    const events = generateEvents(11, 80);
    const findings = analyzeEvents(events);
    const codexWithoutEstimate = events.filter((_, i) => i % 10 === 9).length;
    for (const metric of ['input_tokens', 'output_tokens', 'cost_usd_micros']) {
      const claude = accuracy(findings, metric, 'harness', 'claude_code').data;
      expect(claude).toMatchObject({ n: 40, missing: 0, bias_pct: 0, mape_pct: 0, assessment: 'usable' });
      const codex = accuracy(findings, metric, 'model', 'gpt-5').data;
      expect(codex).toMatchObject({ n: 40 - codexWithoutEstimate, missing: codexWithoutEstimate });
      expect(codex.bias_pct).toBeCloseTo(50, 9);
      expect(codex.p90_abs_error_pct).toBeCloseTo(50, 9);
      expect(codex.assessment).toBe('not_usable');
      expect(accuracy(findings, metric).data).toMatchObject({ n: 80 - codexWithoutEstimate, bias_pct: 0 });
    }
  });
});
