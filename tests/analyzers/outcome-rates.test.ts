import { describe, expect, it } from 'vitest';
import { outcomeRateFindings } from '../../src/analyzers/outcome-rates.js';
import { OutcomeRatesData } from '../../src/findings/data.js';

const context = {
  source: 'test',
  inputs: ['x.jsonl'],
  options: { alpha: 0.05, minSamples: 10, requireAcceptance: false },
};
const options = {
  dimensions: ['harness'],
  success: 'success',
  knownOutcomes: ['success', 'failure'],
  unit: 'task',
  theme: 'outcomes',
};

describe('outcome_rates', () => {
  it('gives shares with n globally and per slice, listing known outcomes with 0', () => {
    const units = [
      { outcome: 'success', at: 1, dimensions: { harness: 'codex' } },
      { outcome: 'success', at: 2, dimensions: { harness: 'codex' } },
      { outcome: 'failure', at: 3, dimensions: { harness: 'claude_code' } },
      { outcome: 'timeout', at: 4, dimensions: { harness: null } },
    ];
    const findings = outcomeRateFindings(units, options, context);
    expect(findings.map((f) => [f.data.dimension, f.data.key, f.data.n])).toEqual([
      ['global', null, 4],
      ['harness', 'codex', 2],
      ['harness', 'claude_code', 1],
    ]);
    const global = OutcomeRatesData.parse(findings[0]?.data);
    expect(global.counts).toEqual({ failure: 1, success: 2, timeout: 1 });
    expect(global.shares).toEqual({ failure: 0.25, success: 0.5, timeout: 0.25 });
    expect(OutcomeRatesData.parse(findings[1]?.data).shares).toEqual({ failure: 0, success: 1 });
    expect(findings[0]?.description).toBe('50% of all tasks ended in success (n = 4).');
  });
});
